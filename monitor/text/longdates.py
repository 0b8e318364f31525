"""Dates in long form for prose (KS draft, yearly report): "15 september 2016",
"december 2015", "december 2015–november 2018". Tables keep ISO dates.

Months and days as ``YYYY-MM`` / ``YYYY-MM-DD`` text are what the registers store for periods
(a project running "December 2015–November 2018" has no day).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from monitor.errors import MonitorError
from monitor.mail.message import MONTHS, long_date

__all__ = ["long_day", "long_month_or_day", "period_text", "check_month_or_day", "long_date"]

_MONTH_OR_DAY = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def long_day(value: date | datetime | None, lang: str = "sv",
             tz: ZoneInfo | None = None) -> str:
    """``15 september 2016``; a datetime is shown on its local day (``tz``)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return long_date(value, tz or ZoneInfo("UTC"), lang, with_time=False)
    return f"{value.day} {MONTHS.get(lang, MONTHS['sv'])[value.month - 1]} {value.year}"


def check_month_or_day(text: str) -> str | None:
    """None when ``text`` is ``YYYY-MM`` or ``YYYY-MM-DD`` (a real one), else the problem."""
    match = _MONTH_OR_DAY.match(text.strip())
    if not match:
        return f"{text!r}: YYYY-MM / YYYY-MM-DD"
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return f"{text!r}: YYYY-MM / YYYY-MM-DD"
    return None


def _parts(text: str) -> tuple[int, int, int | None]:
    match = _MONTH_OR_DAY.match(text.strip())
    if not match or check_month_or_day(text):
        raise MonitorError(f"not YYYY-MM or YYYY-MM-DD: {text!r}")
    year, month, day = match.groups()
    return int(year), int(month), int(day) if day else None


def long_month_or_day(text: str | None, lang: str = "sv") -> str:
    """``2015-12`` → "december 2015"; ``2016-09-15`` → "15 september 2016"."""
    if not text:
        return ""
    year, month, day = _parts(text)
    months = MONTHS.get(lang, MONTHS["sv"])
    return f"{day} {months[month - 1]} {year}" if day else f"{months[month - 1]} {year}"


def period_text(start: str | None, end: str | None, lang: str = "sv") -> str:
    """"december 2015–november 2018", "från december 2015", "till november 2018", ""."""
    first, last = long_month_or_day(start, lang), long_month_or_day(end, lang)
    if first and last:
        return f"{first}–{last}"
    if first:
        return ("från " if lang == "sv" else "from ") + first
    if last:
        return ("till " if lang == "sv" else "until ") + last
    return ""


def year_of(text: str | None) -> int | None:
    return _parts(text)[0] if text else None


def overlaps_year(start: str | None, end: str | None, year: int) -> bool:
    """Whether a period (either end may be open) touches ``year``."""
    first = year_of(start) if start else None
    last = year_of(end) if end else None
    return (first is None or first <= year) and (last is None or last >= year)
