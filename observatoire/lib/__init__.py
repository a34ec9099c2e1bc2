"""Helpers without models: environment, text normalisation, identifiers."""
