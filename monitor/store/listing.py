"""Listings as every front end shows them: the CLI's ``--format json`` and the web API.

:func:`list_items` is the one query behind ``monitor calls`` / ``monitor legislation`` and the
web pages (status rolled forward first, calls with their decide-by plan), and
:func:`public_row` the one JSON shape of an item.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.config.settings import Config
from monitor.decisions.decide_by import decide_by_for_row, decide_by_json, decision_timeline, timeline_json
from monitor.decisions.earlier import decided_applications, earlier_for_row
from monitor.decisions.meetings import meetings
from monitor.model import CALL
from monitor.store.database import Store

__all__ = ["JSON_FIELDS", "public_row", "item_json", "list_items"]

JSON_FIELDS = ("id", "source", "kind", "title", "url", "programme", "status", "opens",
               "deadline", "deadlines", "published", "committees", "priorities", "first_seen",
               "updated", "summary", "language", "regions", "eligible", "handle")


def public_row(row: dict[str, Any]) -> dict[str, Any]:
    """An item as JSON/CSV output shows it: stable keys, ISO 8601 dates, evidence per tag."""
    out = {key: row.get(key) for key in JSON_FIELDS}
    out["why"] = {f"{tag['dimension']}:{tag['tag']}": tag["evidence"] for tag in row["tags"]}
    # why the municipality cannot apply (monitor.store.eligibility), Swedish and English
    out["eligibility_reason"] = row.get("eligibility_reason")
    out["eligibility_reason_en"] = row.get("eligibility_reason_en")
    # people's corrections (monitor.store.corrections): "Rättad av …: …" for mail and web
    out["corrections"] = row.get("corrections", [])
    out["links"] = row.get("links", [])  # every source that has this call (monitor.pipeline.dedup)
    if "decide_by" in row:  # calls: when KS must decide (monitor.decisions.decide_by)
        out["decide_by"] = decide_by_json(row["decide_by"])
        out["timeline"] = timeline_json(row.get("timeline"))  # the dated decision steps
    if "earlier" in row:  # what the funder said about an earlier application (monitor.decisions.earlier)
        out["earlier"] = row["earlier"]
    for key, value in row["extra"].items():
        out.setdefault(key, value)
    return out


def list_items(config: Config, store: Store, *, kind: str, order: str,
               now: datetime, limit: int | None = None, lang: str = "sv",
               **filters: Any) -> list[dict[str, Any]]:
    """``Store.query_items`` rows after rolling status forward; a call row also carries
    ``decide_by`` (:func:`monitor.decisions.decide_by.decide_by_for_row`, owned by ``committee`` when that
    filter is given), its ``timeline`` (:func:`monitor.decisions.decide_by.decision_timeline`) and ``earlier`` (:func:`monitor.decisions.earlier.earlier_for_row`, in ``lang``)."""
    store.roll_forward(now)
    rows = store.query_items(kind=kind, order=order, limit=limit, now=now, **filters)
    if kind == CALL:
        calendar, tz = meetings(config, store), config.settings.tz
        decided = decided_applications(store)
        for row in rows:
            row["decide_by"] = decide_by_for_row(row, calendar,
                                                 committee=filters.get("committee"), now=now)
            row["timeline"] = decision_timeline(row["decide_by"], calendar, now)
            row["earlier"] = earlier_for_row(store, row, lang, tz, now, decided=decided)
    return rows


def item_json(store: Store, row: dict[str, Any], *, lang: str, tz: ZoneInfo,
              now: datetime) -> dict[str, Any]:
    """One item as ``monitor show --format json`` prints it: the listing's object (a call's
    with ``earlier``) plus its change history, the polls that first and last saw it, and the
    tags in full."""
    out = public_row(row)
    if row["kind"] == CALL:
        out["earlier"] = earlier_for_row(store, row, lang, tz, now)
    out.update(history=store.history(row["id"]), first_poll=store.poll(row["first_poll"]),
               last_poll=store.poll(row["last_poll"]), tags=row["tags"])
    return out
