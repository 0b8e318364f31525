"""The store's boundary: what a stored item is (:class:`StoredItem`) and what a listing asks
for (:class:`ItemQuery`).

Nothing outside :mod:`monitor.store` sees a database row: queries return frozen
``StoredItem`` values with the JSON columns parsed and the item's tags, corrections and
duplicate links attached. Dates stay ISO 8601 text in UTC as stored (``from_iso`` turns one
into a ``datetime``), so every front end formats the same value. The nested records (``tags``,
``links``, ``corrections``) are small dicts in the shape the JSON output prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Mapping, Sequence

from monitor.store.eligibility import DIMENSION as ELIGIBILITY
from monitor.store.eligibility import REGION_DIMENSION as REGION
from monitor.store.eligibility import read_eligibility

__all__ = ["StoredItem", "ItemQuery", "ORDERS"]

#: ``ItemQuery.order``: the SQL ordering of each
ORDERS = {
    "deadline": "deadline IS NULL, deadline, title",
    "published": "coalesce(published, first_seen) DESC, title",
    "first_seen": "first_seen DESC, title",
}


@dataclass(frozen=True)
class StoredItem:
    """One stored item as the store returns it.

    The columns of ``items`` (``deadlines`` and ``extra`` parsed), then what the store adds:
    ``tags`` (every dimension, with evidence, strongest first), the ``committees`` and
    ``priorities`` tagged, eligibility (:mod:`monitor.store.eligibility`), people's
    ``corrections`` and the duplicate group's ``links`` (its own first). A *light* item (the
    decision steps' lean query) carries only the columns it read; the rest keep their
    defaults.
    """

    id: str
    source: str = ""
    native_id: str = ""
    kind: str = ""
    title: str = ""
    summary: str = ""
    url: str | None = None
    programme: str | None = None
    language: str | None = None
    status: str | None = None
    opens: str | None = None
    deadline: str | None = None
    deadlines: tuple[str, ...] = ()
    published: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    updated: str | None = None
    first_poll: int | None = None
    last_poll: int | None = None
    raw: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    handle: str | None = None
    tags: tuple[dict[str, Any], ...] = ()
    committees: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    eligible: bool | None = None
    eligibility_reason: str | None = None
    eligibility_reason_en: str | None = None
    eligibility_evidence: tuple[str, ...] = ()
    corrections: tuple[dict[str, Any], ...] = ()
    links: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_row(cls, row: Mapping[str, Any], *, tags: Sequence[dict[str, Any]] = (),
                 corrections: Sequence[dict[str, Any]] = (),
                 links: Sequence[dict[str, Any]] = ()) -> "StoredItem":
        """From a row of ``items`` (all columns or some) and what the store attached."""
        values = {key: value for key, value in row.items() if key in _COLUMNS}
        committees, priorities, judged = [], [], False
        for tag in tags:
            dimension = tag["dimension"]
            if dimension == "committee":
                committees.append(tag["tag"])
            elif dimension == "priority":
                priorities.append(tag["tag"])
            elif dimension in (ELIGIBILITY, REGION):
                judged = True
        if judged:  # (read_eligibility of no such tag: the defaults below)
            eligibility = read_eligibility(list(tags))
            values.update(regions=tuple(eligibility["regions"]),
                          eligible=eligibility["eligible"],
                          eligibility_reason=eligibility["eligibility_reason"],
                          eligibility_reason_en=eligibility["eligibility_reason_en"],
                          eligibility_evidence=tuple(eligibility["eligibility_evidence"]))
        return cls(**values, summary=row.get("summary") or "",
                   deadlines=tuple(_json(row.get("deadlines"), [])),
                   extra=_json(row.get("extra"), {}), tags=tuple(tags),
                   committees=tuple(committees), priorities=tuple(priorities),
                   corrections=tuple(corrections), links=tuple(links))

    def as_dict(self) -> dict[str, Any]:
        """Every field as a plain dict (sequences as lists): a template's or a report's own
        copy to add its columns to."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _json(value: Any, empty: Any) -> Any:
    if value is None or value == "":
        return empty
    return json.loads(value) if isinstance(value, str) else value


_COLUMNS = frozenset(f.name for f in fields(StoredItem)) - {
    "tags", "committees", "priorities", "regions", "eligible", "eligibility_reason",
    "eligibility_reason_en", "eligibility_evidence", "corrections", "links", "summary",
    "deadlines", "extra"}


@dataclass(frozen=True)
class ItemQuery:
    """What a listing or a digest asks :meth:`Store.query_items` for.

    ``statuses`` (any of), else ``include_closed=False`` leaves closed calls out; ``sources``
    (any of); ``programme`` (a part of its name); ``search`` (words, as ``monitor calls
    --search``); ``closing_within_days`` (deadline from now to that many days ahead);
    ``committee`` / ``priority`` (tagged to it); ``eligible_only`` leaves out calls the
    municipality cannot apply for (the tag ``eligibility:no``). ``order`` is a key of
    :data:`ORDERS`. ``collapse_duplicates``: the same call stored from two sources comes
    back once, the richer row, its ``links`` naming both (:mod:`monitor.pipeline.dedup`).
    ``touched=(since, until)`` keeps, of the rows shown, those first seen in that window or
    whose deadlines, opening or status changed in it, and (with ``closing_until``) open calls
    and legislation whose deadline is after ``until`` and by ``closing_until``: what a digest
    can report, without reading every row it follows.
    """

    kind: str | None = None
    statuses: tuple[str, ...] = ()
    include_closed: bool = True
    sources: tuple[str, ...] = ()
    programme: str | None = None
    search: str | None = None
    closing_within_days: float | None = None
    committee: str | None = None
    priority: str | None = None
    order: str = "deadline"
    limit: int | None = None
    collapse_duplicates: bool = True
    touched: tuple[datetime, datetime] | None = None
    closing_until: datetime | None = None
    eligible_only: bool = False

    def __post_init__(self) -> None:
        # lists from a command line or a form: kept as tuples, so the query stays frozen
        object.__setattr__(self, "statuses", tuple(self.statuses or ()))
        object.__setattr__(self, "sources", tuple(self.sources or ()))
        if self.order not in ORDERS:
            raise ValueError(f"ItemQuery.order: {self.order!r} is not one of "
                             f"{', '.join(ORDERS)}")
