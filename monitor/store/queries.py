"""Reading items: every query a listing, a digest or a feature makes of the store's items,
their tags and their history. Each returns :class:`~monitor.store.rows.StoredItem` values
(or small plain records), never a cursor: SQL on the store's tables stays in ``monitor/store``.

Mixed into :class:`monitor.store.database.Store`, which holds ``conn`` and ``db``.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable, Iterator, Sequence

from monitor.model import CLOSED, from_iso, to_iso
from monitor.store import corrections, groups
from monitor.store import search as fulltext
from monitor.store.rows import ORDERS, ItemQuery, StoredItem
from monitor.store.search import fts_query
from monitor.store.sql import Database

__all__ = ["ItemReads", "CHANGE_FIELDS"]

#: answers remembered at most inside :meth:`ItemReads.remembering`
MEMO_SIZE = 64
#: the fields whose change a digest reports (``changes_between``)
CHANGE_FIELDS = ("deadlines", "opens", "status")


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def _chunks(ids: Sequence[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield list(ids[start:start + size])


class ItemReads:
    """The item queries of :class:`~monitor.store.database.Store`."""

    conn: sqlite3.Connection
    db: Database
    _remember = False  # inside remembering()
    _memo: tuple[int, dict[Any, Any], dict[str, StoredItem], dict[Any, Any]] | None = None

    def _rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        return _dicts(self.conn.execute(sql, params))

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """Within this block :meth:`query_items` and :meth:`open_calls` answer a question
        asked before from memory, until another connection writes: a run of digests asks the
        same questions (the overview reads each committee's rows again) while writing only
        its ledger, and the items are frozen, so one answer (and one item) can be shared.
        The store's own item writes (upsert, roll forward, tags, groups) forget it all."""
        if self._remember:  # inside an outer block: its memory goes on
            yield
            return
        self._remember, self._memo = True, None
        try:
            yield
        finally:
            self._remember, self._memo = False, None

    def forget(self) -> None:
        """Drop what :meth:`remembering` holds: the store's item writes call it, so a block
        that writes items reads them afresh."""
        self._memo = None

    def snapshot_memo(self) -> dict[Any, Any] | None:
        """Inside :meth:`remembering`: a dict that lives as long as the items read stay the
        same (emptied when another connection writes), for what a caller derives from them
        (the digests' entry facts); None outside, or inside a write transaction."""
        memo = self._snapshot()
        return None if memo is None else memo[3]

    def _snapshot(self) -> tuple[int, dict[Any, Any], dict[str, StoredItem],
                                 dict[Any, Any]] | None:
        """(version, answers, items by id, derived) of the current snapshot, inside
        :meth:`remembering`."""
        if not self._remember or self.conn.in_transaction:
            return None
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]  # others' writes
        if self._memo is None or self._memo[0] != version:
            self._memo = (version, {}, {}, {})
        return self._memo

    def _remembered(self, key: tuple[Any, ...], compute: Callable[[], list[Any]]) -> list[Any]:
        """``compute()``, or inside :meth:`remembering` the answer it gave before."""
        memo = self._snapshot()
        if memo is None:
            return compute()
        answers = memo[1]
        if key not in answers:
            answers[key] = compute()
            if len(answers) > MEMO_SIZE:
                del answers[next(iter(answers))]  # the oldest answer
        return list(answers[key])

    def get_item(self, item_id: str) -> StoredItem | None:
        """One item by its full id, its short handle, or a native id / suffix that is
        unique."""
        rows = self._rows("SELECT * FROM items WHERE id = ?", [item_id])
        if not rows and fulltext.HANDLE_RE.match(item_id.lower()):
            rows = self._rows("SELECT * FROM items WHERE handle = ? LIMIT 2", [item_id.lower()])
            rows = rows if len(rows) == 1 else []
        if not rows:
            rows = self._rows("SELECT * FROM items WHERE id LIKE ? LIMIT 2", ["%:" + item_id])
            if len(rows) != 1:
                return None
        return self._decorate(rows)[0]

    def items_by_id(self, ids: Sequence[str]) -> dict[str, StoredItem]:
        """The items of ``ids`` that exist, decorated as :meth:`query_items` does (one
        query per 500, not one per item)."""
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(list(dict.fromkeys(ids))):
            rows += self._rows(f"SELECT * FROM items WHERE id IN ({', '.join('?' * len(chunk))})",
                               chunk)
        return {item.id: item for item in self._decorate(rows)}

    def history(self, item_id: str) -> list[dict[str, Any]]:
        return self._rows("SELECT field, old, new, changed_at, poll_id FROM item_history "
                          "WHERE item_id = ? ORDER BY id", [item_id])

    def date_changes(self, item_id: str) -> int:
        """How often the item's deadlines or opening date changed (a calendar's SEQUENCE)."""
        return self.conn.execute("SELECT count(*) FROM item_history WHERE item_id = ? AND "
                                 "field IN ('deadlines', 'opens')", [item_id]).fetchone()[0]

    def changes_between(self, since: datetime, until: datetime,
                        ) -> dict[str, list[dict[str, Any]]]:
        """History rows of :data:`CHANGE_FIELDS` changed in ``(since, until]``, by item."""
        marks = ", ".join(f"'{f}'" for f in CHANGE_FIELDS)
        out: dict[str, list[dict[str, Any]]] = {}
        # ISO stamps in UTC compare as text: the index on changed_at finds the window's rows.
        for row in self._rows(
                f"SELECT item_id, field, old, new, changed_at FROM item_history WHERE field IN"
                f" ({marks}) AND changed_at > ? AND changed_at <= ? ORDER BY id",
                [to_iso(since), to_iso(until)]):
            when = from_iso(row["changed_at"])
            if when is not None and since < when <= until:  # a stamp not in UTC
                out.setdefault(row["item_id"], []).append(row)
        return out

    def count_items(self, source: str | None = None) -> int:
        if source is None:
            return self.conn.execute("SELECT count(*) FROM items").fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM items WHERE source = ?",
                                 [source]).fetchone()[0]

    def item_names(self, kind: str | None = None) -> list[tuple[str, str | None]]:
        """(id, handle) of every item (of ``kind``): what a "did you mean" compares with."""
        sql = "SELECT id, handle FROM items" + (" WHERE kind = ?" if kind else "")
        return [(r[0], r[1]) for r in self.conn.execute(sql, [kind] if kind else [])]

    def item_batch(self, after: str, limit: int, columns: Sequence[str]) -> list[StoredItem]:
        """The first ``limit`` items whose id sorts after ``after``, light: only ``columns``
        read, without tags."""
        return [StoredItem.from_row(r) for r in self._rows(
            f"SELECT {', '.join(columns)} FROM items WHERE id > ? ORDER BY id "
            f"LIMIT {int(limit)}", [after])]

    def item_columns(self, ids: Iterable[str], columns: Sequence[str],
                     ) -> dict[str, dict[str, Any]]:
        """``columns`` of the items of ``ids`` that exist, by id."""
        out: dict[str, dict[str, Any]] = {}
        names = ", ".join(["id", *(c for c in columns if c != "id")])
        for chunk in _chunks(list(dict.fromkeys(ids))):
            for row in self._rows(f"SELECT {names} FROM items WHERE id IN "
                                  f"({', '.join('?' * len(chunk))})", chunk):
                out[row["id"]] = row
        return out

    def corrected_items(self, columns: Sequence[str]) -> dict[str, StoredItem]:
        """Every item a person corrected, by id, light: only ``columns`` read."""
        return {r["id"]: StoredItem.from_row(r) for r in self._rows(
            f"SELECT {', '.join(columns)} FROM items WHERE id IN "
            "(SELECT item_id FROM corrections)")}

    def duplicate_candidates(self) -> Iterable[dict[str, Any]]:
        """What duplicate grouping (:mod:`monitor.pipeline.dedup`) reads of the calls."""
        return groups.call_rows(self.db)

    def replace_groups(self, found: dict[str, str], richness: dict[str, int]) -> None:
        """Store the duplicate groups ({item id: group id}) in place of the earlier ones."""
        self.forget()
        groups.replace_groups(self, found, richness)

    def change_marks(self) -> tuple[int, int]:
        """(last history row, last poll): both grow with every change a poll makes."""
        row = self.conn.execute("SELECT (SELECT max(id) FROM item_history), "
                                "(SELECT max(id) FROM polls)").fetchone()
        return row[0] or 0, row[1] or 0

    def query_items(self, query: ItemQuery = ItemQuery(), *, now: datetime,
                    ) -> list[StoredItem]:
        """Items filtered as ``query`` says (:class:`~monitor.store.rows.ItemQuery`), each
        with its tags and links."""
        return self._remembered(("items", query, to_iso(now)),
                                lambda: self._query_items(query, now))

    def _query_items(self, query: ItemQuery, now: datetime) -> list[StoredItem]:
        where: list[str] = []
        params: dict[str, Any] = {"now": to_iso(now)}
        q = query
        if q.kind:
            where.append("kind = :kind")
            params["kind"] = q.kind
        if q.statuses:
            where.append(f"status IN ({', '.join(f':s{i}' for i in range(len(q.statuses)))})")
            params.update({f"s{i}": s for i, s in enumerate(q.statuses)})
        elif not q.include_closed:
            where.append(f"(status IS NULL OR status != '{CLOSED}')")
        if q.sources:
            where.append(f"source IN ({', '.join(f':src{i}' for i in range(len(q.sources)))})")
            params.update({f"src{i}": s for i, s in enumerate(q.sources)})
        if q.programme:
            where.append("programme LIKE :programme")
            params["programme"] = f"%{q.programme}%"
        if q.closing_within_days is not None:
            where.append("deadline >= :now AND deadline <= :until")
            params["until"] = to_iso(now + timedelta(days=q.closing_within_days))
        if q.search:
            fts = fts_query(q.search)
            if fts:
                where.append("items.rowid IN (SELECT rowid FROM items_search "
                             "WHERE items_search MATCH :search)")
                params["search"] = fts
        if q.eligible_only:
            where.append("id NOT IN (SELECT item_id FROM tags WHERE dimension = 'eligibility'"
                         " AND tag = 'no')")
        for dimension, value in (("committee", q.committee), ("priority", q.priority)):
            if value:
                where.append(f"id IN (SELECT item_id FROM tags WHERE dimension = '{dimension}'"
                             f" AND tag = :{dimension})")
                params[dimension] = value
        shown = _touched_sql(q.touched, q.closing_until, params)
        if q.collapse_duplicates:
            sql = groups.grouped_select(" AND ".join(where), shown)
        else:
            where += [shown] if shown else []
            sql = "SELECT * FROM items" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY " + ORDERS[q.order]
        if q.limit:
            sql += f" LIMIT {int(q.limit)}"
        return self._decorate(self._rows(sql, params))

    def _decorate(self, rows: list[dict[str, Any]]) -> list[StoredItem]:
        """Rows of ``items`` as items with their tags (with evidence), corrections and
        links; inside :meth:`remembering` an item already made is used again."""
        memo = self._snapshot()
        known: dict[str, StoredItem] = {} if memo is None else memo[2]
        new = [r for r in rows if r["id"] not in known]
        ids = [r["id"] for r in new]
        tags = self.tags_for(ids)
        fixes = corrections.for_items(self.conn, ids)
        links = groups.links_for(self.db, new)
        made = {row["id"]: StoredItem.from_row(
            row, tags=tags.get(row["id"], []), links=links[row["id"]],
            corrections=[c.as_dict() for c in fixes.get(row["id"], ())]) for row in new}
        known.update(made)  # (outside remembering: a dict that is dropped)
        return [made.get(r["id"]) or known[r["id"]] for r in rows]

    def tags_for(self, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Each item's tags (dimension, tag, score, evidence, matcher), strongest first."""
        result: dict[str, list[dict[str, Any]]] = {}
        loads = json.loads
        for chunk in _chunks(ids):
            marks = ", ".join("?" for _ in chunk)
            for item_id, dimension, tag, score, evidence, matcher in self.conn.execute(
                    f"SELECT item_id, dimension, tag, score, evidence, matcher FROM tags "
                    f"WHERE item_id IN ({marks}) ORDER BY dimension, score DESC, tag", chunk):
                result.setdefault(item_id, []).append(
                    {"dimension": dimension, "tag": tag, "score": score,
                     "evidence": loads(evidence), "matcher": matcher})
        return result

    def data_version(self) -> tuple[int, int]:
        """Changes whenever the database is written, by this connection or another."""
        return (self.conn.total_changes,
                self.conn.execute("PRAGMA data_version").fetchone()[0])


def _touched_sql(touched: tuple[datetime, datetime] | None, closing_until: datetime | None,
                 params: dict[str, Any]) -> str:
    """The condition of ``ItemQuery.touched`` (ISO stamps in UTC compare as text)."""
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
