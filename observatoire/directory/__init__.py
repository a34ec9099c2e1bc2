"""The directory of cooperatives: each cooperative's page, which gathers every app's data."""
