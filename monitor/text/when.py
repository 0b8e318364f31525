"""The one place that decides which local day and time a deadline is shown as.

Mail, the calendar export, the command line, the report and the decide-by computation all ask
:func:`shown`; they only differ in how they write the answer: :func:`prose` ("18 februari
2027 kl. 12:00", for sentences) or :func:`iso` ("2027-02-18 12:00", for tables).

The rule (:func:`shown`):

- a date-only value (a :class:`datetime.date`, or text ``YYYY-MM-DD``) is that day, no time;
- a moment at 00:00 or 23:59 *in its own offset* is "that day": a source that knows only a
  date stores it as midnight UTC, and it must not become 01:00 the same day in Stockholm;
- any other moment is converted to the configured time zone; its time is shown unless it is
  00:00 or 23:59 there (the end of the day, as funders write it).

Nothing here reads the clock or knows the municipality's time zone: callers pass ``tz``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

__all__ = ["Shown", "shown", "prose", "prose_day", "iso", "prose_dates_in", "MONTHS"]

MONTHS = {
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
_DAY_ONLY = ((0, 0), (23, 59))
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Shown:
    """The local day a value falls on, and its time of day when that says something."""

    day: date
    time: time | None = None


def shown(value: str | date | datetime, tz: ZoneInfo) -> Shown:
    """The day (and time, or None) to show for a deadline, opening or other moment."""
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DAY.fullmatch(text):
            return Shown(date.fromisoformat(text))
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        return Shown(value)
    if value.tzinfo is None or (value.hour, value.minute) in _DAY_ONLY:
        # a naive value or a day as the source gave it, in its own offset
        return Shown(value.date(), None if (value.hour, value.minute) in _DAY_ONLY
                     else value.time().replace(second=0, microsecond=0))
    local = value.astimezone(tz)
    kept = None if (local.hour, local.minute) in _DAY_ONLY else time(local.hour, local.minute)
    return Shown(local.date(), kept)


def prose_day(day: date, lang: str = "sv") -> str:
    """``18 februari 2027`` / ``18 February 2027``."""
    months = MONTHS.get(lang, MONTHS["sv"])
    return f"{day.day} {months[day.month - 1]} {day.year}"


def prose(value: str | date | datetime | None, tz: ZoneInfo, lang: str = "sv", *,
          with_time: bool = True) -> str:
    """``18 februari 2027 kl. 12:00`` / ``18 February 2027, 12:00``; "" for no value."""
    if value is None or value == "":
        return ""
    when = shown(value, tz)
    text = prose_day(when.day, lang)
    if with_time and when.time is not None:
        text += f" kl. {when.time:%H:%M}" if lang == "sv" else f", {when.time:%H:%M}"
    return text


def iso(value: str | date | datetime | None, tz: ZoneInfo, *, with_time: bool = True) -> str:
    """``2027-02-18 12:00`` or ``2027-02-18`` for tables; "" for no value."""
    if value is None or value == "":
        return ""
    when = shown(value, tz)
    if with_time and when.time is not None:
        return f"{when.day.isoformat()} {when.time:%H:%M}"
    return when.day.isoformat()


_ISO_IN_TEXT = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")


def prose_dates_in(text: str, lang: str = "sv") -> str:
    """Text with every ISO date written in prose: "ansökan senast 2027-02-01" → "ansökan
    senast 1 februari 2027". A string that is not a real date is left as it is."""
    def replace(match: re.Match[str]) -> str:
        try:
            return prose_day(date(int(match[1]), int(match[2]), int(match[3])), lang)
        except ValueError:
            return match[0]
    return _ISO_IN_TEXT.sub(replace, text)
