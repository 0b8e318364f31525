"""The lean reads of open calls that decision steps and reminders make for every
subscription: light items (no evidence, no links) and the rounds of a call.

Mixed into :class:`monitor.store.database.Store` beside
:class:`~monitor.store.queries.ItemReads` (whose ``_remembered`` they use).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Callable, Iterable, Sequence

from monitor.model import to_iso
from monitor.store.rows import StoredItem

__all__ = ["CallReads"]

_Row = tuple[StoredItem, Any, int]  # an open call, its duplicate group (or None), richness


class CallReads:
    """Open calls by committee, and the dated rounds of calls."""

    conn: Any
    _remember: bool
    _remembered: Callable[..., list[Any]]

    def open_calls(self, now: datetime, until: datetime, *, committee: str | None = None,
                   tagged: bool = True, sources: Sequence[str] = (),
                   ids: Iterable[str] | None = None) -> list[StoredItem]:
        """Light items (id, kind, status, title, programme, source, deadline, deadlines,
        committees, priorities) of the open calls with a deadline in ``(now, until]``, one
        per duplicate group (the richer row, among those that match), by deadline: tagged
        to ``committee`` (None: ``tagged`` to any committee, or not), of ``sources``, among
        ``ids``.

        A lean query on purpose: the digests and the reminders read these for every
        subscription, and evidence and links are not needed to find a hand-in day. Inside
        :meth:`~monitor.store.queries.ItemReads.remembering` every committee's are taken
        from one read of all tagged open calls.
        """
        if ids is None and tagged and self._remember and not self.conn.in_transaction:
            every = self._remembered(("open calls", to_iso(now), to_iso(until)),
                                     lambda: self._open_rows(now, until, None, True, (), None))
            rows = [r for r in every if (committee in r[0].committees if committee
                                         else r[0].committees)
                    and (not sources or r[0].source in sources)]
        else:
            rows = self._open_rows(now, until, committee, tagged or bool(committee), sources,
                                   None if ids is None else list(ids))
        return _one_per_group(rows)

    def _open_rows(self, now: datetime, until: datetime, committee: str | None, tagged: bool,
                   sources: Sequence[str], ids: Sequence[str] | None) -> list[_Row]:
        where = ["kind = 'call'", "status = 'open'", "deadline > :now", "deadline <= :until"]
        if tagged:
            where.append("items.id IN (SELECT item_id FROM tags WHERE dimension = 'committee'"
                         + (" AND tag = :committee)" if committee else ")"))
        params: dict[str, Any] = {"now": to_iso(now), "until": to_iso(until),
                                  "committee": committee}
        if sources:
            where.append(f"source IN ({', '.join(f':s{i}' for i in range(len(sources)))})")
            params.update({f"s{i}": s for i, s in enumerate(sources)})
        if ids is not None:
            where.append(f"items.id IN ({', '.join(f':i{i}' for i in range(len(ids)))})"
                         if ids else "0")
            params.update({f"i{i}": v for i, v in enumerate(ids)})
        rows = self.conn.execute(
            "SELECT items.id, kind, status, title, programme, source, deadline, deadlines,"
            " g.group_id, g.richness FROM items LEFT JOIN item_groups g ON g.item_id = items.id"
            " WHERE " + " AND ".join(where) + " ORDER BY deadline, title", params).fetchall()
        tags: dict[str, dict[str, list[str]]] = {}
        for start in range(0, len(rows), 400):
            chunk = [r[0] for r in rows[start:start + 400]]
            for item_id, dimension, tag in self.conn.execute(
                    "SELECT item_id, dimension, tag FROM tags WHERE item_id IN "
                    f"({', '.join('?' * len(chunk))}) ORDER BY dimension, score DESC, tag",
                    chunk):  # (no condition on dimension: SQLite would then scan its index)
                tags.setdefault(item_id, {}).setdefault(dimension, []).append(tag)
        none: dict[str, list[str]] = {}
        return [(StoredItem(
            id=ident, kind=kind, status=status, title=title, programme=programme, source=source,
            deadline=deadline, deadlines=tuple(json.loads(deadlines or "[]")),
            committees=tuple(tags.get(ident, none).get("committee", ())),
            priorities=tuple(tags.get(ident, none).get("priority", ()))), group, richness or 0)
            for ident, kind, status, title, programme, source, deadline, deadlines, group,
            richness in rows]

    def dated_rounds(self, after: datetime) -> list[tuple[str, str, list[str], str, str]]:
        """(id, title, deadlines, programme, source) of every open or forthcoming call with
        a programme, a deadline after ``after`` and a year in its title: the rounds of a
        call (:func:`monitor.digests.decision_steps.next_round_after`)."""
        return [(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in self.conn.execute(
            "SELECT id, title, deadlines, programme, source FROM items WHERE kind = 'call' AND"
            " status IN ('open', 'forthcoming') AND deadline > ? AND programme IS NOT NULL"
            " AND title GLOB '*20[0-9][0-9]*'", [to_iso(after)])]


def _one_per_group(rows: list[_Row]) -> list[StoredItem]:
    """The rows, one per duplicate group: the richer, then the smaller id (order kept)."""
    best: dict[Any, _Row] = {}
    for row in rows:
        key = row[1] if row[1] is not None else ("id", row[0].id)
        old = best.get(key)
        if old is None or (row[2], old[0].id) > (old[2], row[0].id):
            best[key] = row
    return [r[0] for r in rows if best[r[1] if r[1] is not None else ("id", r[0].id)] is r]
