"""The second hop: per subscription, what is new, closes soon and must be decided."""
