"""The Observatory of cooperative practices."""
