"""The first hop and its schedule: poll → items → store → tags, then the steps after a poll."""
