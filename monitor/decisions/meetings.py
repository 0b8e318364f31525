"""The decision calendar: when the board (KS) and the committees meet, from
``config/meetings.toml`` (dates written in the file, or an iCalendar file per body).

Tyresö's international policy says a committee must have the municipal board's approval
before it applies for funding. To do that in time a matter must reach the board's meeting
``submission_days`` before it, and the application needs ``application_days`` after the
meeting to be finished and sent. :mod:`monitor.decisions.decide_by` computes "decide by" from this.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from monitor.config.committees import load_committees
from monitor.config.settings import DEFAULT_TIMEZONE, Config, Key, Settings, check_table, read_toml
from monitor.errors import ConfigError
from monitor.model import to_iso

__all__ = ["Body", "Meetings", "load_meetings", "meetings", "DEFAULT_SUBMISSION_DAYS",
           "DEFAULT_APPLICATION_DAYS", "DEFAULT_BOARD"]

FILE_NAME = "meetings.toml"
DEFAULT_BOARD = "ks"
# A committee typically wants a matter two weeks before it meets (the agenda goes out about a
# week before, the officials need a week to write the tjänsteskrivelse).
DEFAULT_SUBMISSION_DAYS = 14
# After the board's approval the application still has to be finalised, signed and sent.
DEFAULT_APPLICATION_DAYS = 7


@dataclass(frozen=True)
class Body:
    """One decision-making body (the board or a committee): its meetings and lead time."""

    id: str
    dates: tuple[date, ...]
    submission_days: int
    #: every date comes from the file's example plan (``example_dates = true``)
    example: bool = False
    #: where each date came from: "meetings.toml", "ks-2027.ics", a URL
    origins: Mapping[date, str] = field(default_factory=dict)
    #: an .ics feed or Insyn meeting list fetched after each poll (monitor.decisions.meeting_sources)
    url: str = ""

    def submission_date(self, meeting: date) -> date:
        """The last day a matter can be handed in for ``meeting``."""
        return meeting - timedelta(days=self.submission_days)


@dataclass(frozen=True)
class Meetings:
    """The whole decision calendar; empty when ``meetings.toml`` is absent."""

    bodies: Mapping[str, Body] = field(default_factory=dict)
    board: str = DEFAULT_BOARD
    application_days: int = DEFAULT_APPLICATION_DAYS
    timezone: str = DEFAULT_TIMEZONE
    file: Path | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def body(self, ident: str | None) -> Body | None:
        """The body with this id when it has meetings configured, else None."""
        return self.bodies.get(ident) if ident else None


def _not_negative(value: int) -> str | None:
    return None if value >= 0 else f"must be 0 or more, got {value}"


def _http_url(value: str) -> str | None:
    return None if value == "" or re.match(r"https?://[^/\s]+", value) else \
        f"must be an http(s) URL, got {value!r}"


def _check_dates(value: list) -> str | None:
    for entry in value:
        if isinstance(entry, datetime) or not isinstance(entry, (date, str)):
            return f"must be a list of dates written 2027-01-26, got {entry!r}"
        if isinstance(entry, str):
            try:
                date.fromisoformat(entry)
            except ValueError:
                return f"not a date (YYYY-MM-DD): {entry!r}"
    return None


TOP_SCHEMA = {
    "board": Key(str, DEFAULT_BOARD, doc="committee id of the approving body"),
    "submission_days": Key(int, DEFAULT_SUBMISSION_DAYS, _not_negative,
                           doc="default days before a meeting that a matter must be in"),
    "application_days": Key(int, DEFAULT_APPLICATION_DAYS, _not_negative,
                            doc="days after the board's meeting to finish and send"),
    "example_dates": Key(bool, False, doc="the dates written in this file are examples"),
    "committee": Key(dict, dict, doc="[committee.<id>] tables"),
}
BODY_SCHEMA = {
    "dates": Key(list, list, _check_dates, doc="meeting dates"),
    "ics": Key(str, "", doc="iCalendar file with the meetings, relative to the config folder"),
    "url": Key(str, "", _http_url, doc="an .ics feed or Insyn meeting list, fetched after "
                                       "each poll"),
    "submission_days": Key(int, None, _not_negative, doc="this body's own lead time"),
}


def load_meetings(config_dir: Path, settings: Settings) -> Meetings:
    """Read and validate ``meetings.toml``; an absent file means no calendar."""
    path = config_dir / FILE_NAME
    if not path.exists():
        return Meetings(timezone=settings.timezone)
    top = check_table(read_toml(path), TOP_SCHEMA, file=path)
    valid = list(load_committees(config_dir))
    if top["board"] not in valid:
        raise ConfigError(f"unknown committee id {top['board']!r} (ids come from "
                          "committees.toml)", file=str(path), key="board", valid=valid)
    bodies = {}
    for ident, raw in top["committee"].items():
        where = f"committee.{ident}"
        if ident not in valid:
            raise ConfigError(f"unknown committee id {ident!r} (ids come from committees.toml)",
                              file=str(path), key=where, valid=valid)
        if not isinstance(raw, dict):
            raise ConfigError("must be a table", file=str(path), key=where)
        body = check_table(raw, BODY_SCHEMA, file=path, where=where)
        origins = {d if isinstance(d, date) else date.fromisoformat(d): FILE_NAME
                   for d in body["dates"]}
        if body["ics"]:
            origins.update(dict.fromkeys(sorted(read_ics_dates(
                config_dir / body["ics"], settings.tz, file=path, key=f"{where}.ics")),
                body["ics"]))
        days = body["submission_days"]
        bodies[ident] = Body(id=ident, dates=tuple(sorted(origins)),
                             submission_days=top["submission_days"] if days is None else days,
                             example=top["example_dates"] and not body["ics"], origins=origins,
                             url=body["url"])
    return Meetings(bodies=bodies, board=top["board"], application_days=top["application_days"],
                    timezone=settings.timezone, file=path)


def read_ics_dates(ics: Path, tz: ZoneInfo, *, file: Path, key: str) -> set[date]:
    """Every non-cancelled VEVENT's start date in ``ics`` (times taken in ``tz``)."""
    try:
        return parse_ics_dates(ics.read_bytes(), tz, str(ics))
    except OSError as exc:
        raise ConfigError(f"cannot read {ics}: {exc.strerror}", file=str(file), key=key)
    except ValueError as exc:
        raise ConfigError(str(exc), file=str(file), key=key)


def parse_ics_dates(content: bytes, tz: ZoneInfo, where: str) -> set[date]:
    """:func:`read_ics_dates` on bytes (a file or a fetched feed); ValueError naming
    ``where`` when it is no calendar, has a recurring event or no meeting."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(content)
    except ValueError as exc:
        raise ValueError(f"{where} is not an iCalendar file: {exc}") from None
    dates = set()
    for event in calendar.walk("VEVENT"):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if "RRULE" in event:
            # Expanding recurrences would guess at exceptions; a meeting plan lists each date.
            raise ValueError(f"{where}: recurring events (RRULE) are not supported; export "
                             "each meeting as its own event")
        start = event.get("DTSTART")
        if start is None:
            raise ValueError(f"{where}: an event has no DTSTART ({event.get('SUMMARY', '')})")
        value: Any = start.dt
        if isinstance(value, datetime):
            value = value.astimezone(tz).date() if value.tzinfo else value.date()
        dates.add(value)
    if not dates:
        raise ValueError(f"{where} holds no meetings (no VEVENT)")
    return dates


def meetings(config: Config, store: Any = None) -> Meetings:
    """The configuration's decision calendar; with ``store``, the dates fetched from each
    body's ``url`` merged in (:func:`meetings_in_force`)."""
    calendar = config.extras.get("meetings") or Meetings(timezone=config.settings.timezone)
    if store is None:
        return calendar
    return meetings_in_force(calendar, store)


def create_table(db: Any) -> None:
    """The dates :mod:`monitor.decisions.meeting_sources` fetched, per body (the composition
    root registers it with that feature)."""
    db.execute("CREATE TABLE IF NOT EXISTS meeting_dates (body TEXT NOT NULL, day TEXT NOT NULL,"
               " origin TEXT NOT NULL, fetched TEXT NOT NULL, PRIMARY KEY (body, day))")


def save_fetched_dates(conn: sqlite3.Connection, body: str, days: Iterable[date], origin: str,
                       now: datetime) -> None:
    """Replace ``body``'s fetched dates (the caller holds the write transaction)."""
    conn.execute("DELETE FROM meeting_dates WHERE body = ?", [body])
    conn.executemany("INSERT INTO meeting_dates VALUES (?, ?, ?, ?)",
                     [(body, d.isoformat(), origin, to_iso(now)) for d in sorted(days)])


def meetings_in_force(calendar: Meetings, store: Any) -> Meetings:
    """The file's calendar with the dates :mod:`monitor.decisions.meeting_sources` fetched (its
    ``meeting_dates`` table) merged in."""
    if store is None:
        return calendar
    fetched: dict[str, dict[date, str]] = {}
    try:
        rows = store.conn.execute("SELECT body, day, origin FROM meeting_dates").fetchall()
    except sqlite3.OperationalError:  # a store opened before this module was imported
        return calendar
    for body, day, origin in rows:
        fetched.setdefault(body, {})[date.fromisoformat(day)] = origin
    if not fetched:
        return calendar
    bodies = dict(calendar.bodies)
    for ident, dates in fetched.items():
        old = bodies.get(ident)
        if old is None:
            continue  # a body removed from the file since
        origins = {} if old.example else {d: o for d, o in old.origins.items()
                                          if o != old.url}
        origins.update(dates)
        bodies[ident] = replace(old, dates=tuple(sorted(origins)), origins=origins,
                                example=False)
    return replace(calendar, bodies=bodies)
