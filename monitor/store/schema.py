"""The store's own tables, and the feature tables the composition root hands it.

Created (``IF NOT EXISTS``) at every open, with the small migrations of older databases.
Duplicate groups (:mod:`monitor.store.groups`) and people's tag corrections
(:mod:`monitor.store.corrections`) are the store's own: its queries read them.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Callable

from monitor.errors import StoreError
from monitor.store import corrections, groups
from monitor.store import search as fulltext
from monitor.store.sql import Database

__all__ = ["SCHEMA", "TableHook", "STORE_TABLES", "ensure_schema"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, native_id TEXT NOT NULL, kind TEXT NOT NULL,
    title TEXT NOT NULL, summary TEXT NOT NULL DEFAULT '', url TEXT, programme TEXT,
    language TEXT, status TEXT, opens TEXT, deadline TEXT, deadlines TEXT NOT NULL DEFAULT '[]',
    published TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, updated TEXT NOT NULL,
    first_poll INTEGER, last_poll INTEGER, raw TEXT, extra TEXT NOT NULL DEFAULT '{}',
    handle TEXT
);
CREATE INDEX IF NOT EXISTS items_kind_deadline ON items(kind, deadline);
-- monitor calls: the calls not closed in the listing's order, read in that order up to its
-- LIMIT (without it, every call was sorted: 38 ms of 50 rows on 100,000 items)
CREATE INDEX IF NOT EXISTS items_open_calls_order ON items(kind, deadline IS NULL, deadline, title)
    WHERE status IS NULL OR status != 'closed';
-- monitor legislation: newest first, the same way (was a sort of every item of the kind)
CREATE INDEX IF NOT EXISTS items_newest ON items(kind, coalesce(published, first_seen) DESC,
    title);
CREATE INDEX IF NOT EXISTS items_kind_published ON items(kind, published);
CREATE INDEX IF NOT EXISTS items_source ON items(source);
-- roll_forward's "forthcoming and opened since" half of its OR (the other half uses
-- items_kind_deadline), so a check that finds nothing does not read every call.
CREATE INDEX IF NOT EXISTS items_kind_status_opens ON items(kind, status, opens);
CREATE TABLE IF NOT EXISTS item_history (
    id INTEGER PRIMARY KEY, item_id TEXT NOT NULL, field TEXT NOT NULL, old TEXT, new TEXT,
    changed_at TEXT NOT NULL, poll_id INTEGER
);
CREATE INDEX IF NOT EXISTS item_history_item ON item_history(item_id);
CREATE INDEX IF NOT EXISTS item_history_changed ON item_history(changed_at);
CREATE TABLE IF NOT EXISTS polls (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
    outcome TEXT, http_status INTEGER, items_parsed INTEGER, new INTEGER, changed INTEGER,
    error TEXT, traceback TEXT
);
CREATE INDEX IF NOT EXISTS polls_source ON polls(source, id);
CREATE TABLE IF NOT EXISTS http_cache (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tags (
    item_id TEXT NOT NULL, dimension TEXT NOT NULL, tag TEXT NOT NULL, score REAL NOT NULL,
    evidence TEXT NOT NULL DEFAULT '[]', matcher TEXT NOT NULL DEFAULT '', tagged_at TEXT NOT NULL,
    PRIMARY KEY (item_id, dimension, tag)
);
-- With item_id, "items tagged X" is read from the index alone (--committee, digests).
CREATE INDEX IF NOT EXISTS tags_dimension_tag_item ON tags(dimension, tag, item_id);
DROP INDEX IF EXISTS tags_dimension_tag;
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# A feature's tables: a function creating them (IF NOT EXISTS), run at every open. The
# composition root (monitor.app) passes every feature's hooks; see monitor.app.open_store.
TableHook = Callable[[Database], None]

#: every table the store owns: no module outside ``monitor/store/`` runs SQL on them
#: (tests/test_store_boundary.py)
STORE_TABLES = ("items", "item_history", "polls", "http_cache", "tags", "store_meta",
                "items_search", "item_groups", "corrections")


def ensure_schema(store: Any) -> None:
    """Create the store's tables, then each feature's (``store.tables``)."""
    try:
        store.conn.executescript("BEGIN IMMEDIATE;" + SCHEMA + "COMMIT;")
    except sqlite3.Error as exc:
        if store.conn.in_transaction:
            store.conn.execute("ROLLBACK")
        raise StoreError(f"{store.path}: cannot create the schema: {exc}") from exc
    if "traceback" not in {c.name for c in store.db["polls"].columns}:  # a database from
        store.conn.execute("ALTER TABLE polls ADD COLUMN traceback TEXT")  # before it
    fulltext.ensure_handles(store)
    fulltext.ensure_search_index(store)
    groups.schema(store.db)  # the store's own queries read these two
    corrections.schema(store.db)
    for hook in store.tables:
        hook(store.db)
