"""Home, about and other static pages."""
