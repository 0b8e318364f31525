"""Decisions remember why: when a call of a programme opens again, what the funder said the
last time a committee applied to that programme.

``earlier_decisions(store, row, tz)`` gives the granted and rejected applications for other
calls of the same programme (same source, programme compared without case), newest first;
``earlier_lines(...)`` says it as people read it: "Tidigare ansökan (2016) avslogs: <the
funder's reason>. Nästa omgång: 15 september 2017–15 oktober 2017."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.decisions.applications import GRANTED, REJECTED, Application, list_applications
from monitor.model import from_iso
from monitor.store.database import Store
from monitor.store.rows import StoredItem
from monitor.text.i18n import add_messages, t
from monitor.text.longdates import long_day

__all__ = ["Earlier", "earlier_decisions", "earlier_lines", "decided_applications",
           "earlier_for_row"]


@dataclass(frozen=True)
class Earlier:
    application_id: int
    item_id: str
    title: str
    committee: str
    status: str
    year: int
    reason: str


def decided_applications(store: Store) -> list[Application]:
    """Every granted or rejected application (load once for a list of calls)."""
    return list_applications(store, statuses=(GRANTED, REJECTED))


def earlier_decisions(store: Store, row: StoredItem, tz: ZoneInfo, *,
                      decided: list[Application] | None = None) -> list[Earlier]:
    """Decided applications for other calls of ``row``'s programme, newest decision first."""
    programme = (row.programme or "").strip().casefold()
    if row.kind not in ("", "call") or not programme:
        return []
    decided = decided_applications(store) if decided is None else decided
    source = row.source or row.id.split(":", 1)[0]
    found = []
    for app in decided:  # the application carries its call's programme: no query per row
        decision = app.decision
        if (decision is None or app.item_id == row.id
                or app.item_id.split(":", 1)[0] != source
                or (app.programme or "").strip().casefold() != programme):
            continue
        found.append((decision.at, Earlier(app.id, app.item_id, app.title, app.committee,
                                           decision.status, decision.at.astimezone(tz).year,
                                           decision.reason or decision.note)))
    return [e for _, e in sorted(found, key=lambda pair: pair[0], reverse=True)]


add_messages({
    "earlier.rejected": {"sv": "Tidigare ansökan ({year}) avslogs", "en":
                         "An earlier application ({year}) was rejected"},
    "earlier.granted": {"sv": "Tidigare ansökan ({year}) beviljades",
                        "en": "An earlier application ({year}) was granted"},
    "earlier.next_round": {"sv": "Nästa omgång: {window}.", "en": "Next round: {window}."},
})


def earlier_lines(earlier: list[Earlier], row: StoredItem, lang: str, tz: ZoneInfo,
                  now: datetime, *, next_round: bool = True) -> list[str]:
    """One sentence per earlier decision; the call's own window as the next round when its
    deadline is still to come at ``now``."""
    if not earlier:
        return []
    lines = []
    for e in earlier:
        head = t(f"earlier.{e.status}", lang, year=e.year)
        lines.append(f"{head}: {e.reason.rstrip('.')}." if e.reason else f"{head}.")
    window = _window(row, lang, tz, now) if next_round else ""
    if window:
        lines[0] += " " + t("earlier.next_round", lang, window=window)
    return lines


def _window(row: StoredItem, lang: str, tz: ZoneInfo, now: datetime) -> str:
    """"15 september 2017–15 oktober 2017": opening to the next deadline ("" when none)."""
    coming = sorted(d for d in (from_iso(x) for x in row.deadlines)
                    if d is not None and d >= now)
    if not coming:
        return ""
    opens = from_iso(row.opens) if row.opens else None
    last = long_day(coming[0], lang, tz)
    return f"{long_day(opens, lang, tz)}–{last}" if opens and opens < coming[0] else last


def earlier_for_row(store: Store, row: StoredItem, lang: str, tz: ZoneInfo,
                    now: datetime, *, decided: list[Application] | None = None,
                    next_round: bool = True) -> list[str]:
    """:func:`earlier_lines` of :func:`earlier_decisions` for one item row."""
    return earlier_lines(earlier_decisions(store, row, tz, decided=decided), row, lang, tz,
                         now, next_round=next_round)
