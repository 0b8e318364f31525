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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from monitor.store import corrections
from monitor.store.sql import Database
from monitor.pipeline import dedup
from monitor.store import search as fulltext
from monitor.store.search import fts_query
from monitor.errors import StoreError
from monitor.store.eligibility import read_eligibility
from monitor.model import CLOSED, Item, Tag, derive_status, from_iso, next_deadline, to_iso

__all__ = ["Store", "UpsertResult", "TRACKED_FIELDS", "TableHook", "fts_query"]

# Fields whose change is recorded in item_history (old value, new value, time).
TRACKED_FIELDS = ("title", "summary", "url", "programme", "status", "opens", "deadlines",
                  "published")

_SCHEMA = """
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
# Duplicate groups and tag corrections are the store's own: its queries read them.
TableHook = Callable[[Database], None]


@dataclass
class UpsertResult:
    """What one upsert did: ids of new and changed items, count of unchanged ones."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class Store:
    """Access to one monitor database. Use as a context manager or call :meth:`close`."""

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
        try:
            self.conn.executescript("BEGIN IMMEDIATE;" + _SCHEMA + "COMMIT;")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(f"{self.path}: cannot create the schema: {exc}") from exc
        if "traceback" not in {c.name for c in self.db["polls"].columns}:  # a database from
            self.conn.execute("ALTER TABLE polls ADD COLUMN traceback TEXT")  # before it
        fulltext.ensure_handles(self)
        fulltext.ensure_search_index(self)
        dedup.schema(self.db)  # the store's own queries read these two
        corrections.schema(self.db)
        for hook in self.tables:
            hook(self.db)

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

    def get_item(self, item_id: str) -> dict[str, Any] | None:
        """One item by its full id, its short handle, or a native id / suffix that is
        unique."""
        rows = list(self.db.query("SELECT * FROM items WHERE id = ?", [item_id]))
        if not rows and fulltext.HANDLE_RE.match(item_id.lower()):
            rows = list(self.db.query("SELECT * FROM items WHERE handle = ? LIMIT 2",
                                      [item_id.lower()]))
            rows = rows if len(rows) == 1 else []
        if not rows:
            rows = list(self.db.query("SELECT * FROM items WHERE id LIKE ? LIMIT 2",
                                      ["%:" + item_id]))
            if len(rows) != 1:
                return None
        return self._decorate(rows)[0]

    def history(self, item_id: str) -> list[dict[str, Any]]:
        return list(self.db.query(
            "SELECT field, old, new, changed_at, poll_id FROM item_history WHERE item_id = ? "
            "ORDER BY id", [item_id]))

    def count_items(self, source: str | None = None) -> int:
        if source is None:
            return self.db.execute("SELECT count(*) FROM items").fetchone()[0]
        return self.db.execute("SELECT count(*) FROM items WHERE source = ?",
                               [source]).fetchone()[0]

    def query_items(self, *, kind: str | None = None, statuses: Sequence[str] = (),
                    include_closed: bool = True, sources: Sequence[str] = (),
                    programme: str | None = None, search: str | None = None,
                    closing_within_days: float | None = None, committee: str | None = None,
                    priority: str | None = None, order: str = "deadline",
                    limit: int | None = None, now: datetime,
                    collapse_duplicates: bool = True,
                    touched: tuple[datetime, datetime] | None = None,
                    closing_until: datetime | None = None,
                    eligible_only: bool = False) -> list[dict[str, Any]]:
        """Items filtered as the CLI and digests ask; each row carries its tags and links.

        The same call stored from two sources comes back once (the richer row), its
        ``links`` naming both (:mod:`monitor.pipeline.dedup`); ``collapse_duplicates=False`` returns
        every stored row. ``touched=(since, until)`` keeps, of the rows shown, those first
        seen in that window or whose deadlines, opening or status changed in it, and (with
        ``closing_until``) open calls whose deadline is after ``until`` and by
        ``closing_until``: what a digest can report, without reading every row it follows.
        ``eligible_only`` leaves out calls the municipality cannot apply for (the eligibility
        step's tag ``eligibility:no``).
        """
        where: list[str] = []
        params: dict[str, Any] = {"now": to_iso(now)}
        if kind:
            where.append("kind = :kind")
            params["kind"] = kind
        if statuses:
            where.append(f"status IN ({', '.join(f':s{i}' for i in range(len(statuses)))})")
            params.update({f"s{i}": s for i, s in enumerate(statuses)})
        elif not include_closed:
            where.append(f"(status IS NULL OR status != '{CLOSED}')")
        if sources:
            where.append(f"source IN ({', '.join(f':src{i}' for i in range(len(sources)))})")
            params.update({f"src{i}": s for i, s in enumerate(sources)})
        if programme:
            where.append("programme LIKE :programme")
            params["programme"] = f"%{programme}%"
        if closing_within_days is not None:
            where.append("deadline >= :now AND deadline <= :until")
            params["until"] = to_iso(now + timedelta(days=closing_within_days))
        if search:
            fts = fts_query(search)
            if fts:
                where.append("items.rowid IN (SELECT rowid FROM items_search "
                             "WHERE items_search MATCH :search)")
                params["search"] = fts
        if eligible_only:
            where.append("id NOT IN (SELECT item_id FROM tags WHERE dimension = 'eligibility'"
                         " AND tag = 'no')")
        for dimension, value in (("committee", committee), ("priority", priority)):
            if value:
                where.append(f"id IN (SELECT item_id FROM tags WHERE dimension = '{dimension}'"
                             f" AND tag = :{dimension})")
                params[dimension] = value
        orders = {
            "deadline": "deadline IS NULL, deadline, title",
            "published": "coalesce(published, first_seen) DESC, title",
            "first_seen": "first_seen DESC, title",
        }
        shown = _touched_sql(touched, closing_until, params)
        if collapse_duplicates:
            sql = dedup.grouped_select(" AND ".join(where), shown)
        else:
            where += [shown] if shown else []
            sql = "SELECT * FROM items" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY " + orders[order]
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self._decorate(list(self.db.query(sql, params)))

    def _decorate(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Parse JSON columns and attach committees/priorities (with evidence) to each row."""
        tags = self.tags_for([r["id"] for r in rows])
        fixes = corrections.for_items(self.conn, [r["id"] for r in rows])
        links = dedup.links_for(self.db, rows)
        for row in rows:
            row["links"] = links[row["id"]]
            row["deadlines"] = json.loads(row["deadlines"] or "[]")
            row["extra"] = json.loads(row["extra"] or "{}")
            item_tags = tags.get(row["id"], [])
            row["tags"] = item_tags
            row["committees"] = [t["tag"] for t in item_tags if t["dimension"] == "committee"]
            row["priorities"] = [t["tag"] for t in item_tags if t["dimension"] == "priority"]
            row.update(read_eligibility(item_tags))
            row["corrections"] = [c.as_dict() for c in fixes.get(row["id"], ())]
        return rows

    # ------------------------------------------------------------------ tags
    def replace_tags(self, item_id: str, tags: Iterable[Tag], *, now: datetime,
                     ) -> list[Tag]:
        """Set an item's tags (all dimensions) to ``tags``, with people's corrections of the
        item laid over them (:mod:`monitor.store.corrections`: they win over the rules); returns
        the tags written."""
        stamp = to_iso(now)
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

    def tags_for(self, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        result: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            marks = ", ".join("?" for _ in chunk)
            for row in self.db.query(
                    f"SELECT item_id, dimension, tag, score, evidence, matcher FROM tags "
                    f"WHERE item_id IN ({marks}) ORDER BY dimension, score DESC, tag", chunk):
                row["evidence"] = json.loads(row["evidence"])
                result.setdefault(row.pop("item_id"), []).append(row)
        return result

    # ----------------------------------------------------------------- polls
    def start_poll(self, source: str, now: datetime) -> int:
        """Log the start of a poll. An earlier poll of the source that never finished was cut
        off by a crash or kill: it is marked ``interrupted`` so the log tells the truth."""
        stamp = to_iso(now)
        with self.write() as conn:
            conn.execute("UPDATE polls SET outcome = 'interrupted', finished = ?, error = "
                         "'the process stopped before this poll finished' "
                         "WHERE source = ? AND finished IS NULL", (stamp, source))
            cur = conn.execute("INSERT INTO polls (source, started) VALUES (?, ?)",
                               (source, stamp))
            return int(cur.lastrowid)

    def finish_poll(self, poll_id: int, *, outcome: str, http_status: int | None = None,
                    items_parsed: int = 0, new: int = 0, changed: int = 0,
                    error: str | None = None, traceback: str | None = None,
                    now: datetime) -> None:
        """``traceback``: an unexpected error's, so a parser bug can be found afterwards."""
        with self.write() as conn:
            conn.execute(
                "UPDATE polls SET finished = ?, outcome = ?, http_status = ?, items_parsed = ?,"
                " new = ?, changed = ?, error = ?, traceback = ? WHERE id = ?",
                (to_iso(now), outcome, http_status, items_parsed, new, changed,
                 error, traceback, poll_id))

    def polls(self, source: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        sql = "SELECT * FROM polls"
        params: list[Any] = []
        if source:
            sql += " WHERE source = ?"
            params.append(source)
        return list(self.db.query(sql + f" ORDER BY id DESC LIMIT {int(limit)}", params))

    def poll(self, poll_id: int | None) -> dict[str, Any] | None:
        if poll_id is None:
            return None
        rows = list(self.db.query("SELECT * FROM polls WHERE id = ?", [poll_id]))
        return rows[0] if rows else None

    def last_polls(self) -> dict[str, dict[str, Any]]:
        """The latest poll of every source that was ever polled."""
        rows = self.db.query("SELECT * FROM polls WHERE id IN "
                             "(SELECT max(id) FROM polls GROUP BY source)")
        return {row["source"]: row for row in rows}

    # ------------------------------------------------------------ http cache
    def validators(self, url: str, *, since: datetime | None = None,
                   ) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) saved for ``url``; none when saved before ``since``."""
        row = self.conn.execute("SELECT etag, last_modified, updated FROM http_cache "
                                "WHERE url = ?", [url]).fetchone()
        if row is None or (since is not None and row[2] < to_iso(since)):
            return None, None
        return row[0], row[1]

    def save_validators(self, entries: Iterable[tuple[str, str | None, str | None]],
                        now: datetime) -> None:
        stamp = to_iso(now)
        with self.write() as conn:
            conn.executemany(
                "INSERT INTO http_cache (url, etag, last_modified, updated) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
                " last_modified = excluded.last_modified, updated = excluded.updated",
                [(url, etag, modified, stamp) for url, etag, modified in entries])


def _touched_sql(touched: tuple[datetime, datetime] | None, closing_until: datetime | None,
                 params: dict[str, Any]) -> str:
    """The condition of ``query_items(touched=...)`` (ISO stamps in UTC compare as text)."""
    if touched is None:
        return ""
    params.update(t_since=to_iso(touched[0]), t_until=to_iso(touched[1]))
    sql = ("(items.first_seen > :t_since AND items.first_seen <= :t_until) OR items.id IN "
           "(SELECT item_id FROM item_history WHERE changed_at > :t_since AND changed_at <= "
           ":t_until AND field IN ('deadlines', 'opens', 'status'))")
    if closing_until is not None:
        params["t_closing"] = to_iso(closing_until)
        # open calls, and legislation whose answers (remiss, consultation) are due
        sql += (" OR ((items.kind = 'call' AND items.status = 'open' OR items.kind ="
                " 'legislation') AND items.deadline > :t_until AND items.deadline <= :t_closing)")
    return f"({sql})"
