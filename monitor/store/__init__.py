"""The SQLite store and what is read from it: items, tags, corrections, the search index."""
