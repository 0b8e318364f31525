"""Open calls' deadlines (and coming opening dates) as an iCalendar file.

Every event is an all-day event on the local date, so Outlook and Google Calendar show it on
the right day whatever their own time zone; the exact time is in the title and description.
A call the board (KS) must still approve in time also gets an event on the first cut-off of
that decision (the committee's, or KS's own; see :mod:`monitor.decisions.decide_by`).
UIDs are derived from the item id and the event's role (deadline / opens / decide-by), never
from the date, and SEQUENCE grows with each recorded date change and each cut-off passed, so
importing a newer file updates the events instead of adding copies.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from typing import Any

from icalendar import Calendar, Event

from monitor.config.committees import committees
from monitor.config.settings import Config
from monitor.decisions.decide_by import decide_by_for_row, first_action, format_decide_by
from monitor.decisions.meetings import meetings
from monitor.mail.message import display_day, long_date, safe_href
from monitor.model import CALL, from_iso
from monitor.store.database import Store
from monitor.store.rows import ItemQuery, StoredItem
from monitor.text.i18n import add_messages, t

__all__ = ["build_calendar", "event_uid"]

add_messages({
    "calendar_name": {"sv": "Utlysningar: sista dagar", "en": "Calls: deadlines"},
    "calendar_name_committee": {"sv": "Utlysningar för {name}", "en": "Calls for {name}"},
    "calendar_deadline": {"sv": "Sista dag: {title}", "en": "Deadline: {title}"},
    "calendar_opens": {"sv": "Öppnar: {title}", "en": "Opens: {title}"},
})

UID_DOMAIN = "kommun-monitor"


def event_uid(item_id: str, role: str) -> str:
    """Stable across exports: the same item and role always give the same UID."""
    return f"{role}-{hashlib.sha256(item_id.encode()).hexdigest()[:24]}@{UID_DOMAIN}"


def _sequence(store: Store, row: StoredItem, now: datetime) -> int:
    changes = store.date_changes(row.id)
    passed = sum(1 for d in row.deadlines if from_iso(d) < now)
    return changes + passed


def _event(row: StoredItem, role: str, when: datetime, summary: str, description: str,
           sequence: int, tz: Any, now: datetime) -> Event:
    day = display_day(when, tz)
    stamp = from_iso(row.updated) or now
    event = Event()
    event.add("uid", event_uid(row.id, role))
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", sequence)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # an all-day marker must not block the day
    href = safe_href(row.url)
    if href:
        event.add("url", href)
    return event


def _decide_by_events(config: Config, row: StoredItem, committee: str | None, lang: str,
                      now: datetime, sequence: int, description: str, ks_step: bool,
                      plan_meetings: Any = None) -> list[Event]:
    """The first cut-off of the KS decision the call needs (monitor.decisions.decide_by), if still open;
    with ``ks_step`` also KS's own cut-off when the committee's comes first."""
    tz = config.settings.tz
    plan = decide_by_for_row(row, plan_meetings or meetings(config), committee=committee,
                             now=now)
    action = first_action(plan)
    if action is None:
        return []
    day, whose = action
    text = format_decide_by(plan, lang, tz=tz) + "\n" + description
    events = [_event(row, "decide-by", datetime.combine(day, time(12), tz),
                     t(f"decide.calendar_{whose}", lang, title=row.title), text, sequence, tz,
                     now)]
    if ks_step and whose == "committee" and plan.ks_submission is not None:
        events.append(_event(row, "ks-submission",
                             datetime.combine(plan.ks_submission, time(12), tz),
                             t("decide.calendar_ks", lang, title=row.title), text, sequence,
                             tz, now))
    return events


def build_calendar(config: Config, store: Store, *, committee: str | None = None,
                   lang: str = "sv", now: datetime, ks_step: bool = False) -> bytes:
    """The calendar of calls that are not closed (optionally of one committee).

    ``ks_step``: also the KS hand-in day when the committee's comes first (the web feed).
    """
    tz = config.settings.tz
    calendar = Calendar()
    calendar.add("prodid", "-//kommun-monitor//omvarldsbevakning//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = t("calendar_name", lang)
    if committee:
        name = t("calendar_name_committee", lang,
                 name=committees(config)[committee].display_name(lang))
    calendar.add("x-wr-calname", name)
    rows = store.query_items(ItemQuery(  # as `monitor calls`: refused calls left out
        kind=CALL, include_closed=False, committee=committee, eligible_only=True), now=now)
    in_force = meetings(config, store)  # the file's dates and the fetched calendars
    for row in rows:
        sequence = _sequence(store, row, now)
        lines = [row.url or "", row.programme or "", row.id]
        description = "\n".join(line for line in lines if line)
        deadline = from_iso(row.deadline)
        if deadline is not None:
            title = f"{row.title} ({long_date(deadline, tz, lang)})"
            calendar.add_component(_event(row, "deadline", deadline,
                                          t("calendar_deadline", lang, title=title), description,
                                          sequence, tz, now))
        for decision in _decide_by_events(config, row, committee, lang, now, sequence,
                                          description, ks_step, in_force):
            calendar.add_component(decision)
        opens = from_iso(row.opens)
        if opens is not None and opens > now:
            calendar.add_component(_event(row, "opens", opens,
                                          t("calendar_opens", lang, title=row.title), description,
                                          sequence, tz, now))
    return calendar.to_ical()
