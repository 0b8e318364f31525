"""Which year a date written without one falls in, and the moment it stands for.

A year left out comes from a bare year earlier in the clause (:func:`hint_year`), else from a
base date: the page's own date (:func:`page_base`) or today, looking forward for deadlines and
openings and back for publication dates (:func:`settle`). A deadline without a time of day is
the end of its day, other dates its start, in the caller's zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo

from monitor.text.date_shapes import Raw

__all__ = ["settle", "hint_year", "page_base", "today_and_now"]


_BARE_YEAR = re.compile(r"(?<![\w:/.-])((?:19|20|21)[0-9]{2})(?![\w/-]|[:.,][0-9])")


def _year_for(raw: Raw, base: date, forward: bool) -> int | None:
    """The year putting raw first on or after base (forward) or last on or before it."""
    for offset in range(9):  # nine years always reach a 29 February
        year = base.year + offset if forward else base.year - offset
        try:
            day = date(year, raw.month, raw.day or 1)
        except ValueError:
            continue
        if raw.day is None:
            day, base_day = (year, raw.month), (base.year, base.month)
        else:
            base_day = base
        if (day >= base_day) if forward else (day <= base_day):
            return year
    return None


def _years(raw: Raw, base: date, forward: bool, hint: int | None) -> tuple[int, int | None]:
    """Years for a date (and its window's end) as the conventions in the docstring say."""
    end = raw.until
    start_year = raw.year or hint
    if end is None:
        return start_year or _year_for(raw, base, forward), None
    if start_year and end.year:
        return start_year, end.year
    if start_year:
        return start_year, _year_for(end, _first_day(raw, start_year), True)
    end_year = end.year or _year_for(end, base, forward)
    return _year_for(raw, _first_day(end, end_year), False), end_year


def _first_day(raw: Raw, year: int | None) -> date:
    return date(year or 1, raw.month, raw.day or 1)


def _moment(raw: Raw, year: int, end_of_day: bool, tz: tzinfo) -> datetime:
    if raw.day is None:
        return datetime(year, raw.month, 1, tzinfo=tz)
    if raw.clock:
        return datetime(year, raw.month, raw.day, *raw.clock, tzinfo=raw.zone or tz)
    clock = time(23, 59) if end_of_day else time(0, 0)
    return datetime.combine(date(year, raw.month, raw.day), clock, tzinfo=tz)


def settle(raw: Raw, role: str, base: date, forward: bool, hint: int | None,
            tz: tzinfo) -> tuple[datetime, datetime | None] | None:
    """(when, end) for a raw date, or None when it is not a real day (30 februari)."""
    try:
        start_year, end_year = _years(raw, base, forward, hint)
        if start_year is None or (raw.until and end_year is None):
            return None
        when = _moment(raw, start_year, role == "deadline" and not raw.until, tz)
        end = raw.until and _moment(raw.until, end_year, True, tz)
    except ValueError:
        return None
    return when, end



def today_and_now(today: date | datetime, tz: tzinfo) -> tuple[date, datetime]:
    """(today's date, now) in tz; a plain date means the start of that day."""
    if isinstance(today, datetime):
        now = today if today.tzinfo else today.replace(tzinfo=tz)
        return now.astimezone(tz).date(), now
    return today, datetime.combine(today, time(0, 0), tzinfo=tz)


def page_base(anchor: date | datetime | None, today: date, tz: tzinfo) -> date:
    """The date missing years count from: the page's own date when it is older than today."""
    if anchor is None:
        return today
    anchor_date, _ = today_and_now(anchor, tz)
    return min(anchor_date, today)


# A year naming a season, term or round is about when something else happens ("Ansökan för
# våren 2022 stänger 15 oktober": projects start in spring 2022), not the deadline's year.
_OTHER_PERIOD = re.compile(r"(?:\b(?:våren|vår|hösten|höst|sommaren|vintern|läsåret|läsår"
                           r"|terminen|vårterminen|höstterminen|budgetåret|verksamhetsåret"
                           r"|spring|autumn|fall|summer|winter|semester|term|academic\s+year"
                           r"|school\s+year|projektstart)\s+)$", re.I)


def hint_year(text: str, start: int, stop: int, today: date) -> int | None:
    """The last bare year in text[start:stop]: "Sista ansökningsdagar 2024 är 1 februari"."""
    years = [int(m.group(1)) for m in _BARE_YEAR.finditer(text, start, stop)
             if abs(int(m.group(1)) - today.year) <= 15  # "2000 kr" is no year
             and not _OTHER_PERIOD.search(text, max(start, m.start() - 25), m.start())]
    return years[-1] if years else None
