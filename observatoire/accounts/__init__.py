"""People, their cooperative or organisation, and their role."""
