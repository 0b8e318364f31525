"""The poll log and the HTTP validators: what the store keeps about fetching, beside items.

Mixed into :class:`monitor.store.database.Store`, which holds ``conn``, ``db`` and
:meth:`~monitor.store.database.Store.write`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from monitor.model import to_iso

__all__ = ["PollLog"]


class PollLog:
    """Polls (start, finish, outcome) and saved ETag / Last-Modified per URL."""

    conn: Any
    db: Any
    write: Any

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
