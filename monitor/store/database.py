"""The SQLite store: items, their change history, polls, HTTP validators and tags.

One file, WAL mode and a busy timeout so a poll can write while people query. Every write
runs in ``BEGIN IMMEDIATE`` through :meth:`Store.write`, so two writers queue for the lock
instead of failing half-way. Reads and writes are plain SQL on the connection (``self.db``,
:class:`monitor.store.sql.Database`, gives rows as dicts and tables' columns), writes inside
our own transactions.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from monitor.errors import StoreError
from monitor.model import Item, Tag, derive_status, from_iso, next_deadline, to_iso
from monitor.store import corrections
from monitor.store import search as fulltext
from monitor.store.calls import CallReads
from monitor.store.polls import PollLog
from monitor.store.queries import ItemReads
from monitor.store.rows import ItemQuery, StoredItem
from monitor.store.schema import TableHook, ensure_schema
from monitor.store.search import fts_query
from monitor.store.sql import Database

__all__ = ["Store", "UpsertResult", "TRACKED_FIELDS", "TableHook", "fts_query", "StoredItem",
           "ItemQuery"]

# Fields whose change is recorded in item_history (old value, new value, time).
TRACKED_FIELDS = ("title", "summary", "url", "programme", "status", "opens", "deadlines",
                  "published")


@dataclass
class UpsertResult:
    """What one upsert did: ids of new and changed items, count of unchanged ones."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class Store(ItemReads, CallReads, PollLog):
    """Access to one monitor database. Use as a context manager or call :meth:`close`.

    Items are read through :class:`~monitor.store.queries.ItemReads` (as
    :class:`~monitor.store.rows.StoredItem`) and :class:`~monitor.store.calls.CallReads`,
    polls and validators through
    :class:`~monitor.store.polls.PollLog`; this class opens, writes and tags."""

    def __init__(self, path: str | Path, *, tables: Sequence[TableHook],
                 busy_timeout: float = 30.0) -> None:
        self.path = str(path)
        self.tables = tuple(tables)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open database: {exc}") from exc
        self.conn = conn
        self.db = Database(conn)
        self._ensure_schema()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _ensure_schema(self) -> None:
        ensure_schema(self)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken with BEGIN IMMEDIATE; rolled back on any exception."""
        if self.conn.in_transaction:  # nested: join the outer transaction
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ----------------------------------------------------------------- items
    def upsert_items(self, items: Iterable[Item], *, poll_id: int | None = None,
                     now: datetime) -> UpsertResult:
        """Insert new items, update changed ones and record each changed field's history.

        Idempotent: storing the same items again changes nothing but ``last_seen``.
        """
        stamp = to_iso(now)
        batch = {item.id: item for item in items}  # a source repeating an id: the last wins
        result = UpsertResult()
        self.forget()  # what remembering() holds is about to change
        with self.write() as conn:
            existing = self._rows_by_id(list(batch))
            for item_id, item in batch.items():
                row = self._row_for(item, now)
                old = existing.get(item_id)
                if old is None:
                    row.update(first_seen=stamp, last_seen=stamp, updated=stamp,
                               first_poll=poll_id, last_poll=poll_id)
                    cols = ", ".join(row)
                    conn.execute(f"INSERT INTO items ({cols}) VALUES "
                                 f"({', '.join('?' for _ in row)})", list(row.values()))
                    fulltext.index_words(conn, item_id, row["title"], row["summary"])
                    result.new.append(item_id)
                    continue
                changes = [(f, old[f], row[f]) for f in TRACKED_FIELDS if old[f] != row[f]]
                conn.executemany(
                    "INSERT INTO item_history (item_id, field, old, new, changed_at, poll_id)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(item_id, f, o, n, stamp, poll_id) for f, o, n in changes])
                row.update(last_seen=stamp, last_poll=poll_id)
                if changes:
                    row["updated"] = stamp
                    result.changed.append(item_id)
                else:
                    result.unchanged += 1
                assignments = ", ".join(f"{k} = ?" for k in row)
                conn.execute(f"UPDATE items SET {assignments} WHERE id = ?",
                             [*row.values(), item_id])
                if (old["title"], old["summary"]) != (row["title"], row["summary"]):
                    fulltext.index_words(conn, item_id, row["title"], row["summary"])
        return result

    @staticmethod
    def _row_for(item: Item, now: datetime) -> dict[str, Any]:
        resolved = item.resolved(now)
        return {
            "id": item.id, "source": item.source, "native_id": item.native_id,
            "kind": item.kind, "title": item.title, "summary": item.summary or "",
            "url": item.url, "programme": item.programme, "language": item.language,
            "status": resolved.status, "opens": to_iso(item.opens),
            "deadline": to_iso(resolved.deadline),
            "deadlines": _dumps([to_iso(d) for d in resolved.deadlines]),
            "published": to_iso(item.published),
            "raw": None if item.raw is None else _dumps(item.raw),
            "extra": _dumps(item.extra), "handle": fulltext.item_handle(item.id),
        }

    def _rows_by_id(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self.db.query(f"SELECT * FROM items WHERE id IN ({marks})", chunk):
                rows[row["id"]] = row
        return rows

    def roll_forward(self, now: datetime) -> int:
        """Re-derive status and next deadline for items whose dates have been overtaken.

        Time moves on between polls: a cut-off passes, a forthcoming call opens. Returns how
        many items changed; status changes go into the history like any other change.
        """
        stamp = to_iso(now)
        sql = ("SELECT id, status, opens, deadline, deadlines FROM items WHERE kind = 'call' "
               "AND ((deadline IS NOT NULL AND deadline < :now) OR "
               "(status = 'forthcoming' AND opens IS NOT NULL AND opens <= :now))")
        # Readers call this before every listing: only take the write lock when needed.
        if not self.conn.in_transaction and not list(self.db.query(sql + " LIMIT 1",
                                                                   {"now": stamp})):
            return 0
        changed = 0
        self.forget()  # what remembering() holds is about to change
        with self.write() as conn:
            rows = list(self.db.query(sql, {"now": stamp}))
            for row in rows:
                deadlines = [from_iso(d) for d in json.loads(row["deadlines"])]
                status = derive_status(row["status"], from_iso(row["opens"]), deadlines, now)
                deadline = to_iso(next_deadline(deadlines, now))
                if status != row["status"]:
                    conn.execute(
                        "INSERT INTO item_history (item_id, field, old, new, changed_at)"
                        " VALUES (?, 'status', ?, ?, ?)", (row["id"], row["status"], status, stamp))
                conn.execute("UPDATE items SET status = ?, deadline = ? WHERE id = ?",
                             (status, deadline, row["id"]))
                changed += 1
        return changed

    # ------------------------------------------------------------------ tags
    def replace_tags(self, item_id: str, tags: Iterable[Tag], *, now: datetime,
                     ) -> list[Tag]:
        """Set an item's tags (all dimensions) to ``tags``, with people's corrections of the
        item laid over them (:mod:`monitor.store.corrections`: they win over the rules); returns
        the tags written."""
        stamp = to_iso(now)
        self.forget()  # what remembering() holds is about to change
        with self.write() as conn:
            tags = corrections.apply(list(tags),
                                     corrections.for_items(conn, [item_id]).get(item_id, ()))
            conn.execute("DELETE FROM tags WHERE item_id = ?", [item_id])
            conn.executemany(
                "INSERT INTO tags (item_id, dimension, tag, score, evidence, matcher, tagged_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(item_id, t.dimension, t.tag, t.score, _dumps(list(t.evidence)), t.matcher,
                  stamp) for t in tags])
        return tags
