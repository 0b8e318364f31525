"""Dates in Swedish and English funder and government text: find them and tell what they are.

``find_dates(text, today=...)`` returns every date in text order as a :class:`FoundDate` whose
role comes from the words before it ("senast", "sista ansökningsdag", "stänger", "öppnar",
"Publicerad", "Uppdaterad", "deadline", "opens", "published" ...). ``find_deadline``,
``find_opening`` and ``find_published`` pick one; ``parse_date`` reads one date string alone.

Conventions a caller can rely on:

- Every ``when``/``end`` is timezone-aware: the ``tz`` argument (the caller's, from settings'
  ``timezone``; "svensk tid", "Swedish time" are that zone too) unless the text names another
  zone by a time: CET, CEST, "Brussels time" → Europe/Brussels; UTC, GMT, Z → UTC; numeric
  offsets are kept.
- A date without a time of day: a **deadline** (and a window's end) is the end of that day,
  23:59 local; an opening, a publication or update date, a window's start and a date of unknown
  role are 00:00.
- A year left out ("1 februari", "15 september–15 oktober") comes from a bare year earlier in
  the clause ("Sista ansökningsdagar 2024 är 1 februari"; not a year naming a season or term,
  "Ansökan för våren 2022 stänger 15 oktober"), from "i år"/"this year" after it (the page's
  year), else from the dated date before it in the same sentence (the first occurrence after
  it), else from the page's own date ``anchor`` (its published/modified date; ``today`` when
  none is given or the anchor is later): the next occurrence on or after it for deadlines,
  openings and unknown dates, the most recent on or before it for published/updated. An old
  page read today does not grow next year's deadline. A clause about a yearly rule ("1 February
  every year", "varje år") counts from ``today`` instead. A window keeps start ≤ end, crossing
  a year boundary if needed.
- Roles come from the words before the date, or right after it. A date alone on its line
  takes the label line next to it: above it ("Sista ansökningsdag" / "15 oktober 2026"), or
  below it in a timeline that starts with a date or a heading ("14 February 2023" /
  "Deadline for …"). A label with a value of its own ("Stänger: Ej bestämt") gives no role to dates on later lines;
  "ändrat till"/"changed to" is not "till" (until): "öppningsdatum ändrat till 13 februari"
  is an opening; a parallel clause ("…, whereas for the core projects – 15 March 2022") keeps
  the role of the date before.
- A month without a day ("beräknas öppna i december", "mars 2023") is ``approximate``: ``when``
  is the first of that month at 00:00 and stands for the whole month; no day is invented.
  Alternatives or ranges of months ("december 2022/januari 2023") are one approximate value
  whose ``end`` is the first of the last month named.
- Not recognised (nothing returned): quarters and seasons ("Q1 2027", "hösten 2026"), relative
  dates ("om två veckor"), bare years, case numbers ("Ds 2026:15", "Ju2026/01234"), amounts.

Recognition is two lists of small rules tried in order, in the manner of feedparser's date
handlers: the shapes a date is written in (:mod:`monitor.text.date_shapes`) and the words that
say what a date is (:mod:`monitor.text.date_roles`); the year a date without one falls in is
settled in :mod:`monitor.text.date_years`. Month names cover Swedish (with Danish and Norwegian
spellings, for Nordplus) and English. This module finds and picks.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timezone, tzinfo
from email.utils import parsedate_to_datetime
from html import unescape

from monitor.text.date_roles import role_of
from monitor.text.date_shapes import add_time, join_windows, scan
from monitor.text.date_years import hint_year, page_base, settle, today_and_now
from monitor.text.workdays import easter_sunday, next_working_day, swedish_holidays

__all__ = ["FoundDate", "ROLES", "find_dates", "find_deadline", "find_opening",
           "find_published", "parse_date", "swedish_holidays", "easter_sunday",
           "next_working_day", "yearly_deadline"]

ROLES = ("deadline", "opens", "published", "updated", "unknown")
_BACKWARD_ROLES = ("published", "updated")  # their implied year looks into the past


@dataclass(frozen=True)
class FoundDate:
    """One date found in text, with what it is and the words it came from.

    ``role`` is "deadline", "opens", "published", "updated" or "unknown". ``when`` is the date
    (a window's start); ``end`` a window's end ("15 september–15 oktober"), else None. When
    ``approximate`` only the month is known and ``when`` is the first of it. ``has_time`` says
    whether the text gave a time of day; ``text`` is the sentence or clause it came from.
    """

    role: str
    when: datetime
    end: datetime | None
    approximate: bool
    has_time: bool
    text: str
    #: the clause states a yearly rule ("1 February every year"): the date is its next
    #: occurrence from today, not something the page says of one round
    recurring: bool = False


# --- finding ---------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
# A sentence ends at . ! ? before a capital. Line breaks do not end one: HTML puts a label
# ("Publicerad", "Sista ansökningsdag") and its date on separate lines.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")
_LOOKBACK = 120  # characters before a date searched for the words that give its role


def _normalise(text: str) -> str:
    if "&" in text:
        text = unescape(text)  # "30&nbsp;oktober"
    return _SPACES.sub(" ", _INVISIBLE.sub("", text))


def _snippet(text: str, start: int, stop: int, first: int, last: int) -> str:
    """The sentence around a date, cut at word boundaries when the sentence is long."""
    if last - first > 200:
        first = max(first, text.rfind(" ", 0, max(first, start - 100)) + 1)
        cut = text.find(" ", min(last, stop + 80))
        last = last if cut == -1 else min(last, cut)
    return " ".join(text[first:last].split())


def _language_key(language: str | None) -> str | None:
    code = (language or "").lower()[:2]
    return "sv" if code in ("sv", "da", "no", "nb", "nn") else "en" if code == "en" else None


def find_dates(text: str, *, today: date | datetime, language: str | None = None,
               tz: tzinfo, anchor: date | datetime | None = None
               ) -> list[FoundDate]:
    """Every date in ``text``, in text order, with its role from the words near it.

    ``today`` settles years the text leaves out (see the module docstring). ``language``
    ("sv", "en"; Danish and Norwegian count as "sv") limits month names to that language;
    None reads both. Role words are always read in both, as Swedish pages say "Deadline".
    Undated deadlines are the end of the day (23:59 in ``tz``); other dates start at 00:00.
    """
    return _find(text, today=today, language=language, tz=tz, anchor=anchor)


# A clause about a rule that recurs: its dates are the next occurrence from today, whatever
# the page's age ("1 February every year", "Två ansökningsomgångar genomförs varje år").
_EVERY_YEAR = re.compile(r"\b(?:varje\s+år|vart\s+år|årligen|every\s+year|each\s+year"
                         r"|annually|yearly)\b", re.I)
_THIS_YEAR = re.compile(r"[ \t,]*(?:i\s+år|this\s+year)\b", re.I)


def _paragraph_end(text: str, stop: int) -> int:
    end = text.find("\n\n", stop)
    return len(text) if end < 0 else end


def _find(text: str, *, today: date | datetime, language: str | None, tz: tzinfo,
          default_role: str = "unknown", anchor: date | datetime | None = None
          ) -> list[FoundDate]:
    text = _normalise(text)
    today_date, _ = today_and_now(today, tz)
    page_date = page_base(anchor, today_date, tz)
    raws = [add_time(text, raw) for raw in scan(text, _language_key(language))]
    raws = join_windows(text, raws)
    breaks = [0] + [m.end() for m in _SENTENCE_BREAK.finditer(text)] + [len(text) + 1]
    found: list[FoundDate] = []
    previous: tuple[int, str, date | None] | None = None  # (stop, role, date if year known)
    for raw in raws:
        i = bisect.bisect_right(breaks, raw.start) - 1
        first, last = breaks[i], breaks[i + 1]
        same = previous if previous and previous[0] > first else None
        since = max(first, same[0] if same else 0, raw.start - _LOOKBACK)
        role = role_of(text, raw, since, same and same[1])
        role = default_role if role == "unknown" else role
        recurring = not raw.year and _EVERY_YEAR.search(
            text, text.rfind("\n\n", 0, raw.start) + 1, _paragraph_end(text, raw.stop)) is not None
        origin = today_date if recurring else page_date
        hint = None if raw.year else hint_year(text, since, raw.start, origin)
        if not raw.year and _THIS_YEAR.match(text, raw.stop):
            hint = page_date.year  # "Den 25 augusti i år"
        forward = role not in _BACKWARD_ROLES
        base = same[2] if forward and same and same[2] else origin
        settled = settle(raw, role, base, forward, hint, tz)
        if settled is None:
            continue
        when, end = settled
        known = raw.year or hint or (same and same[2])
        previous = (raw.stop, role, (end or when).date() if known else None)
        found.append(FoundDate(
            role=role, when=when, end=end,
            approximate=raw.day is None or bool(raw.until and raw.until.day is None),
            has_time=bool(raw.clock or (raw.until and raw.until.clock)),
            text=_snippet(text, raw.start, raw.stop, first, min(last, len(text))),
            recurring=recurring))
    return found


# --- picking one -----------------------------------------------------------------------------

def _month_after(moment: datetime) -> datetime:
    return moment.replace(year=moment.year + moment.month // 12, month=moment.month % 12 + 1,
                          day=1, hour=0, minute=0, second=0)


def _latest(found: FoundDate) -> datetime:
    """The last moment a found date may stand for (a month-only date: the whole month)."""
    moment = found.end or found.when
    return _month_after(moment) if found.approximate else moment


def _pick(candidates: list[FoundDate], now: datetime) -> FoundDate | None:
    """The soonest still to come, else the latest past one. A day also given with a time of
    day ("Slutdatum 2020-10-29" and "stänger kl.16.00 den 29 oktober 2020") is taken timed."""
    timed = {c.when.date() for c in candidates if c.has_time}
    candidates = [c for c in candidates if c.has_time or c.when.date() not in timed]
    future = [c for c in candidates if _latest(c) >= now]
    if future:
        return min(future, key=lambda c: c.when)
    return max(candidates, key=lambda c: c.when, default=None)


def find_deadline(text: str, *, today: date | datetime, language: str | None = None,
                 tz: tzinfo, anchor: date | datetime | None = None
                 ) -> FoundDate | None:
    """The deadline ``text`` states: the soonest future one when several, else the latest.

    Dates with the role "deadline" count, and so do the ends of windows ("15 september–15
    oktober"), returned as a deadline at the window's end. Windows with no role word count
    only when no deadline is stated.
    """
    _, now = today_and_now(today, tz)
    dates = _find(text, today=today, language=language, tz=tz, anchor=anchor)
    stated = [d for d in dates if d.role == "deadline" and (d.end is None or d.approximate)]
    return (_pick(stated + _window_ends(dates, ("deadline", "opens")), now)
            or _pick(_window_ends(dates, ("unknown",)), now))


def _window_ends(dates: list[FoundDate], roles: tuple[str, ...]) -> list[FoundDate]:
    return [replace(d, role="deadline", when=d.end, end=None) for d in dates
            if d.end and not d.approximate and d.role in roles]


def find_opening(text: str, *, today: date | datetime, language: str | None = None,
                 tz: tzinfo, anchor: date | datetime | None = None
                 ) -> FoundDate | None:
    """When what ``text`` describes opens: the opening of the round still to close first.

    Dates with the role "opens" count, and so do the starts of windows (returned with the
    role "opens" and the window's ``end``). Among those whose round has not closed the
    earliest wins; when all are past, the latest.
    """
    _, now = today_and_now(today, tz)
    dates = _find(text, today=today, language=language, tz=tz, anchor=anchor)
    candidates = [replace(d, role="opens") for d in dates if d.role == "opens" or (
        d.end and not d.approximate and d.role in ("deadline", "unknown"))]
    return _pick(candidates, now)


def find_published(text: str, *, today: date | datetime, language: str | None = None,
                 tz: tzinfo, anchor: date | datetime | None = None
                 ) -> FoundDate | None:
    """The first publication date in ``text`` (a page's own comes before its related list)."""
    dates = _find(text, today=today, language=language, tz=tz, anchor=anchor)
    return next((d for d in dates if d.role == "published"), None)


# --- one date string -------------------------------------------------------------------------

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
                  r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?")


def _parse_iso(value: str, tz: tzinfo, role: str) -> datetime | None:
    if not _ISO.fullmatch(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None  # 2027-02-30
    if len(value) == 10 and role == "deadline":
        parsed = parsed.replace(hour=23, minute=59)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _parse_rfc822(value: str, tz: tzinfo, role: str) -> datetime | None:
    if not re.search(r"[0-9]:[0-9]{2}", value):  # RFC 822 always has a time
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)  # "-0000"


# What other languages' dates look like: a year and a word (dateparser is slow on the rest).
_FOREIGN = re.compile(r"^(?=.*\b(?:19|20|21)[0-9]{2}\b)(?=.*[^\W\d_]{3}).{0,60}$")


# Nordplus and Baltic Sea partners, and the EU's other working languages. A fixed list:
# dateparser guessing among all its languages takes ~60 ms a string.
_OTHER_LANGUAGES = ["da", "nb", "nn", "fi", "is", "et", "lv", "lt", "de", "fr"]


def _parse_other_languages(value: str, tz: tzinfo, role: str) -> datetime | None:
    """Last resort for a single string: dateparser, strictly (day, month and year needed)."""
    import dateparser  # imported here: only odd strings get this far

    parsed = dateparser.parse(value, languages=_OTHER_LANGUAGES,
                              settings={"STRICT_PARSING": True})
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def parse_date(value: str, *, today: date | datetime, tz: tzinfo,
               role: str = "unknown") -> datetime | None:
    """One date string alone ("02 juli 2026", "2026-07-03", "30 oktober 2026 kl. 16.00",
    "2 December 2022", "2026/09/28 23:59:59", RFC 822, ISO 8601 with an offset); None if none.

    ``role`` applies the find_dates conventions: "deadline" makes a date without a time the
    end of the day and looks forward for a missing year; "published" looks back. A month
    alone gives the first of the month. Handlers are tried in order: ISO 8601, RFC 822, the
    Swedish and English rules of this module, then dateparser (strictly) for other languages.
    """
    value = " ".join(_normalise(value or "").split())
    if not value or len(value) > 200:
        return None
    for handler in (_parse_iso, _parse_rfc822):
        parsed = handler(value, tz, role)
        if parsed:
            return parsed
    found = _find(value, today=today, language=None, tz=tz, default_role=role)
    if found:
        first = found[0]
        return first.end if role == "deadline" and first.end else first.when
    return _parse_other_languages(value, tz, role) if _FOREIGN.search(value) else None


def yearly_deadline(month: int, day: int, *, today: date | datetime, hour: int = 23,
                    minute: int = 59, tz: tzinfo) -> datetime:
    """The next deadline on or after ``today`` of one that recurs every year on month/day,
    moved to the next working day when it falls on a weekend or holiday (the Nordplus rule:
    1 February 23:59 CET every year). Raises ValueError for a day no year has."""
    date(2000, month, day)  # a leap year: only impossible days raise here
    _, now = today_and_now(today, tz)
    for year in range(now.year - 1, now.year + 9):
        try:
            due = datetime.combine(next_working_day(date(year, month, day)),
                                   time(hour, minute), tzinfo=tz)
        except ValueError:
            continue  # 29 February in a common year
        if due >= now:
            return due
    raise ValueError(f"no deadline on {day}/{month} after {today}")  # unreachable in practice
