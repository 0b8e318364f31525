"""Real meeting dates: each body's calendar fetched from an ``.ics`` URL or an Insyn meeting
list, on the poll schedule, through the monitor's HTTP client (:class:`monitor.http.fetch.Fetcher`).

A body in ``meetings.toml`` names its calendar with ``url``:

- an iCalendar feed (the body starts ``BEGIN:VCALENDAR``): every non-cancelled VEVENT's start
  date is a meeting;
- an Insyn page (``https://insynsverige.se/tyreso-ks/…``): Insyn links one page per meeting as
  ``protokoll?date=YYYY-MM-DD``; every such date on the page is a meeting.

The dates are kept in the store (``meeting_dates``), replaced body by body on each successful
fetch; a failed fetch or a page with no meeting on it keeps the last good dates and is
reported (body, URL, cause). :func:`meetings_in_force` merges them with the file: a body with
fetched dates drops the file's example dates (``example_dates = true``) and keeps any date
written in the file otherwise.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from monitor.config.settings import Config
# the fetched dates' table is the calendar's (monitor.decisions.meetings reads and writes it)
from monitor.decisions.meetings import (Body, Meetings, create_table,  # noqa: F401
                                        meetings_in_force, parse_ics_dates, save_fetched_dates)
from monitor.errors import FetchError, MeetingFetch, MonitorError
from monitor.store.database import Store

if TYPE_CHECKING:
    import httpx

__all__ = ["refresh_meetings", "meetings_in_force", "parse_meeting_page", "MeetingFetch"]

_INSYN_DATE = re.compile(r"protokoll\?(?:[^\"'<>\s]*&(?:amp;)?)?date=(\d{4}-\d{2}-\d{2})")





def parse_meeting_page(content: bytes, url: str, tz: Any) -> set[date]:
    """The meeting dates of an iCalendar feed or an Insyn page; ValueError when none."""
    text = content.decode("utf-8", "replace")
    if text.lstrip("\ufeff \r\n\t").startswith("BEGIN:VCALENDAR"):
        return parse_ics_dates(content, tz, url)
    found = set()
    for day in _INSYN_DATE.findall(text):
        try:
            found.add(date.fromisoformat(day))
        except ValueError:
            continue
    if not found:
        raise ValueError("no meeting dates on the page (neither an iCalendar feed nor links "
                         "to protokoll?date=YYYY-MM-DD); has the page changed?")
    return found


async def _fetch_all(config: Config, calendar: Meetings, transport: Any) -> dict[str, Any]:
    """{body: set of dates | error text} for every body with a ``url``."""
    import asyncio

    from monitor.http.fetch import Fetcher  # the HTTP client: only when calendars are fetched

    out: dict[str, Any] = {}
    async with Fetcher(config.settings.http, transport=transport) as fetcher:
        async def one(body: Body) -> None:
            http = fetcher.for_source(f"meetings:{body.id}", url=body.url)
            try:
                response = await http.get(body.url)
                if response.status >= 400:
                    raise FetchError(f"{body.url}: HTTP {response.status}")
                out[body.id] = parse_meeting_page(response.content, body.url,
                                                  config.settings.tz)
            except (MonitorError, ValueError) as exc:
                out[body.id] = f"meetings.toml committee.{body.id}.url {body.url}: {exc}"
        await asyncio.gather(*(one(b) for b in calendar.bodies.values() if b.url))
    return out


def refresh_meetings(config: Config, store: Store, *, now: datetime,
                     transport: "httpx.AsyncBaseTransport | None" = None) -> tuple[int, list[str]]:
    """Fetch every body's calendar; store what was read. (bodies updated, errors)."""
    import asyncio

    from monitor.decisions.meetings import meetings

    calendar = meetings(config)
    if not any(b.url for b in calendar.bodies.values()):
        return 0, []
    results = asyncio.run(_fetch_all(config, calendar, transport))
    errors = [r for r in results.values() if isinstance(r, str)]
    updated = 0
    with store.write() as conn:
        for body, found in results.items():
            if isinstance(found, str):
                continue  # keep the last good dates
            save_fetched_dates(conn, body, found, calendar.bodies[body].url, now)
            updated += 1
    return updated, errors


def meetings_step(context: Any) -> str | None:
    """After a poll: refresh the calendars; fail (reported, others go on) if one failed."""
    updated, errors = refresh_meetings(context.config, context.store, now=context.now)
    if errors:
        raise MeetingFetch("; ".join(errors))
    return f"{updated} calendars updated" if updated else None
