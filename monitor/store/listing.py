"""Listings as every front end shows them: the CLI's ``--format json`` and the web API.

:func:`list_items` is the one query behind ``monitor calls`` / ``monitor legislation`` and the
web pages (status rolled forward first, calls with their decide-by plan), and
:func:`public_row` the one JSON shape of an item.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.config.settings import Config
from monitor.decisions.decide_by import (DecideBy, Timeline, decide_by_for_row, decide_by_json,
                                         decision_timeline, timeline_json)
from monitor.decisions.earlier import decided_applications, earlier_for_row
from monitor.decisions.meetings import meetings
from monitor.model import CALL
from monitor.store.database import Store
from monitor.store.rows import ItemQuery, StoredItem

__all__ = ["JSON_FIELDS", "ListedCall", "public_row", "item_json", "list_items"]

JSON_FIELDS = ("id", "source", "kind", "title", "url", "programme", "status", "opens",
               "deadline", "deadlines", "published", "committees", "priorities", "first_seen",
               "updated", "summary", "language", "regions", "eligible", "handle")


@dataclass(frozen=True)
class ListedCall(StoredItem):
    """A call as a listing shows it: the stored item with its decide-by plan (None: no
    plan), the dated decision ``timeline`` and the ``earlier`` decisions on its programme."""

    decide_by: DecideBy | None = None
    timeline: Timeline | None = None
    earlier: tuple[str, ...] = ()


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def public_row(row: StoredItem) -> dict[str, Any]:
    """An item as JSON/CSV output shows it: stable keys, ISO 8601 dates, evidence per tag."""
    out = {key: _plain(getattr(row, key)) for key in JSON_FIELDS}
    out["why"] = {f"{tag['dimension']}:{tag['tag']}": tag["evidence"] for tag in row.tags}
    # why the municipality cannot apply (monitor.store.eligibility), Swedish and English
    out["eligibility_reason"] = row.eligibility_reason
    out["eligibility_reason_en"] = row.eligibility_reason_en
    # people's corrections (monitor.store.corrections): "Rättad av …: …" for mail and web
    out["corrections"] = list(row.corrections)
    out["links"] = list(row.links)  # every source that has this call (monitor.pipeline.dedup)
    if isinstance(row, ListedCall):  # calls: when KS must decide (monitor.decisions.decide_by)
        out["decide_by"] = decide_by_json(row.decide_by)
        out["timeline"] = timeline_json(row.timeline)  # the dated decision steps
        # what the funder said about an earlier application (monitor.decisions.earlier)
        out["earlier"] = list(row.earlier)
    for key, value in row.extra.items():
        out.setdefault(key, value)
    return out


def list_items(config: Config, store: Store, query: ItemQuery, *, now: datetime,
               lang: str = "sv") -> list[StoredItem]:
    """``Store.query_items`` items after rolling status forward; a call comes as a
    :class:`ListedCall` with its ``decide_by``
    (:func:`monitor.decisions.decide_by.decide_by_for_row`, owned by the query's
    ``committee`` when given), its ``timeline``
    (:func:`monitor.decisions.decide_by.decision_timeline`) and ``earlier``
    (:func:`monitor.decisions.earlier.earlier_for_row`, in ``lang``)."""
    store.roll_forward(now)
    rows = store.query_items(query, now=now)
    if query.kind != CALL:
        return rows
    calendar, tz = meetings(config, store), config.settings.tz
    decided = decided_applications(store)
    listed: list[StoredItem] = []
    for row in rows:
        plan = decide_by_for_row(row, calendar, committee=query.committee, now=now)
        listed.append(ListedCall(
            **{f.name: getattr(row, f.name) for f in fields(StoredItem)}, decide_by=plan,
            timeline=decision_timeline(plan, calendar, now),
            earlier=tuple(earlier_for_row(store, row, lang, tz, now, decided=decided))))
    return listed


def item_json(store: Store, row: StoredItem, *, lang: str, tz: ZoneInfo,
              now: datetime) -> dict[str, Any]:
    """One item as ``monitor show --format json`` prints it: the listing's object (a call's
    with ``earlier``) plus its change history, the polls that first and last saw it, and the
    tags in full."""
    out = public_row(row)
    if row.kind == CALL:
        out["earlier"] = earlier_for_row(store, row, lang, tz, now)
    out.update(history=store.history(row.id), first_poll=store.poll(row.first_poll),
               last_poll=store.poll(row.last_poll), tags=list(row.tags))
    return out
