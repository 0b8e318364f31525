"""Finding items by what people type: the full-text index of stemmed words, and short handles.

The index (``items_search``, FTS5) holds every word of an item's title and summary together
with its Swedish and English stems from the tagger's stemmer (:mod:`monitor.text.stemming`),
so ``skola`` finds skolan, skolor and skolornas and ``city`` finds cities; a query word also
still matches as a prefix. The store keeps the index in step with every upsert and rebuilds
it when a database was indexed by another version (``store_meta.search_index``).

A *handle* is seven letters and digits derived from an item's id: short enough to type, the
same in every poll and every database; the store keeps it in ``items.handle``.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from typing import Any

from monitor.errors import StoreError
from monitor.text.stemming import stem_en, stem_sv

__all__ = ["SEARCH_INDEX_VERSION", "search_words", "fts_query", "item_handle", "HANDLE_RE",
           "ensure_search_index", "ensure_handles", "index_words"]

# Bump when search_words() changes: a database indexed otherwise is re-indexed when opened.
# 1 was sqlite-utils' index of the raw words; 3 adds the Swedish and English stems.
SEARCH_INDEX_VERSION = "3"


def ensure_handles(store: Any) -> None:
    """Every item's short handle (:func:`item_handle`); added to an older database."""
    columns = {row[1] for row in store.conn.execute("PRAGMA table_info(items)")}
    indexed = store.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND "
                                "name = 'items_handle'").fetchone()
    if "handle" in columns and indexed and store.conn.execute(
            "SELECT 1 FROM items WHERE handle IS NULL LIMIT 1").fetchone() is None:
        return  # (rows without one: written by an older version still running somewhere)
    try:
        with store.write() as conn:
            if "handle" not in columns:
                conn.execute("ALTER TABLE items ADD COLUMN handle TEXT")
            conn.execute("CREATE INDEX IF NOT EXISTS items_handle ON items(handle)")
            ids = [row[0] for row in conn.execute("SELECT id FROM items WHERE handle IS NULL")]
            conn.executemany("UPDATE items SET handle = ? WHERE id = ?",
                             [(item_handle(i), i) for i in ids])
    except sqlite3.Error as exc:
        raise StoreError(f"{store.path}: cannot add the items' handles: {exc}") from exc


def ensure_search_index(store: Any) -> None:
    """The full-text index of stemmed words (:func:`search_words`), rebuilt from the items
    when it was made by another version of the monitor (an older database)."""
    if _index_is_current(store.conn):
        return
    try:
        with store.write() as conn:
            if _index_is_current(conn):  # another process rebuilt it while we waited
                return
            for trigger in ("items_ai", "items_ad", "items_au"):  # sqlite-utils' old index
                conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            conn.execute("DROP TABLE IF EXISTS items_fts")
            conn.execute("DROP TABLE IF EXISTS items_search")
            conn.execute("CREATE VIRTUAL TABLE items_search USING fts5(words, "
                         "tokenize = 'unicode61 remove_diacritics 0')")
            rows = conn.execute("SELECT rowid, title, summary FROM items")
            conn.executemany("INSERT INTO items_search (rowid, words) VALUES (?, ?)",
                             ((rowid, search_words(title, summary))
                              for rowid, title, summary in rows))
            conn.execute("INSERT INTO store_meta (key, value) VALUES ('search_index', ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         [SEARCH_INDEX_VERSION])
    except sqlite3.Error as exc:
        raise StoreError(f"{store.path}: cannot build the search index: {exc}") from exc


def _index_is_current(conn: sqlite3.Connection) -> bool:
    """This version's index, and no sign of an older version having written since: an older
    monitor recreates its ``items_fts`` and indexes only there what it stores."""
    row = conn.execute("SELECT value FROM store_meta WHERE key = 'search_index'").fetchone()
    tables = {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE name IN ('items_search', 'items_fts')")}
    return row is not None and row[0] == SEARCH_INDEX_VERSION and tables == {"items_search"}


def index_words(conn: sqlite3.Connection, item_id: str, title: str, summary: str) -> None:
    """(Re)index one stored item's words, inside the caller's write transaction."""
    conn.execute("DELETE FROM items_search WHERE rowid = "
                 "(SELECT rowid FROM items WHERE id = ?)", [item_id])
    conn.execute("INSERT INTO items_search (rowid, words) SELECT rowid, ? FROM items "
                 "WHERE id = ?", [search_words(title, summary), item_id])


_HANDLE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed
HANDLE_LENGTH = 7
HANDLE_RE = re.compile(rf"^[{_HANDLE_ALPHABET}]{{{HANDLE_LENGTH}}}$")


def item_handle(item_id: str) -> str:
    """A short stable name for an item (remiss ids run to 250 characters): seven letters and
    digits derived from the id, the same in every poll and every database. 31^7 ≈ 2.8e10
    values: two of 100,000 items share one with a chance of about 1 in 5; an ambiguous handle
    finds nothing, and the full id always works."""
    digest = int.from_bytes(hashlib.sha256(item_id.encode("utf-8")).digest()[:8], "big")
    chars = []
    for _ in range(HANDLE_LENGTH):
        digest, index = divmod(digest, len(_HANDLE_ALPHABET))
        chars.append(_HANDLE_ALPHABET[index])
    return "".join(chars)


_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)  # the tagger's words (matchers.text.tokenize)
_forms_cache: dict[str, tuple[str, ...]] = {}


def _forms(word: str) -> tuple[str, ...]:
    """A lowercased word and its Swedish and English stems (the tagger's stemmer)."""
    forms = _forms_cache.get(word)
    if forms is None:
        once = stem_sv(word)
        forms = tuple(sorted({word, once, stem_sv(once), stem_en(word)}))  # skolors→skol
        if len(_forms_cache) > 200_000:
            _forms_cache.clear()
        _forms_cache[word] = forms
    return forms


def search_words(title: str, summary: str | None) -> str:
    """What the full-text index holds for an item: every word, and its Swedish and English
    stems, so ``skola`` finds skolan and skolor, ``city`` finds cities, in either language."""
    words: dict[str, None] = {}
    for word in set(_WORD_RE.findall(f"{title}\n{summary or ''}".lower())):
        words.update(dict.fromkeys(_forms(word)))
    return " ".join(sorted(words))


def fts_query(text: str) -> str:
    """Free text → a safe FTS5 query: every word must match (in any order) as a prefix or by
    its Swedish or English stem (``skola`` → ``("skol" OR "skola"*)``)."""
    words = re.findall(r"[^\W_]+", text.lower(), flags=re.UNICODE)
    groups = []
    for word in words:
        stems = [form for form in _forms(word) if form != word]
        groups.append("(" + " OR ".join([*(f'"{s}"' for s in stems), f'"{word}"*']) + ")"
                      if stems else f'"{word}"*')
    return " AND ".join(groups)
