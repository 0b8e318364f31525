"""Dates in Swedish and English funder and government text: find them and tell what they are.

``find_dates(text, today=...)`` returns every date in text order as a :class:`FoundDate` whose
role comes from the words before it ("senast", "sista ansökningsdag", "stänger", "öppnar",
"Publicerad", "Uppdaterad", "deadline", "opens", "published" ...). ``find_deadline``,
``find_opening`` and ``find_published`` pick one; ``parse_date`` reads one date string alone.

Conventions a caller can rely on:

- Every ``when``/``end`` is timezone-aware: the ``tz`` argument (Europe/Stockholm) unless the
  text names a zone by a time: CET, CEST, "Brussels time" → Europe/Brussels; UTC, GMT, Z → UTC;
  numeric offsets are kept.
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
handlers: ``_date_rules`` (the shapes a date is written in) and ``_ROLE_RULES`` (the words that
say what a date is). Month names cover Swedish (with Danish and Norwegian spellings, for
Nordplus) and English.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from html import unescape
from zoneinfo import ZoneInfo

from monitor.text.workdays import easter_sunday, next_working_day, swedish_holidays

__all__ = ["FoundDate", "ROLES", "find_dates", "find_deadline", "find_opening",
           "find_published", "parse_date", "swedish_holidays", "easter_sunday",
           "next_working_day", "yearly_deadline"]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
BRUSSELS = ZoneInfo("Europe/Brussels")
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


@dataclass
class _Raw:
    """A date as written, before its year and role are settled; ``until`` is a window's end."""

    start: int
    stop: int
    month: int
    day: int | None = None  # None: only the month is known
    year: int | None = None
    clock: tuple[int, int, int] | None = None
    zone: tzinfo | None = None
    until: _Raw | None = None


# --- how dates are written -------------------------------------------------------------------

_SV_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december")
_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december")
_NORDIC_SPELLINGS = {"januar": 1, "februar": 2, "marts": 3, "mai": 5, "august": 8,
                     "desember": 12}
_YEAR = r"((?:19|20|21)[0-9]{2})(?![0-9]|[:/][0-9])"
_DAY = r"(?<![0-9])(?<![0-9][:.,/])([0-3]?[0-9])(?::[ae]|st|nd|rd|th|\.)?(?![0-9])"
_TO = r"(?:–|—|−|‒|-|till|to|until)"
# A month alone ("i december") is a date only after one of these words.
_MONTH_PREPOSITION = re.compile(r"\b(?:i|in|under|during|från|from|until|till|by|före"
                                r"|before|efter|after|av|of)\s+$", re.I)


def _number(value: str | None) -> int | None:
    return int(value) if value else None


def _month_word(word: str | None, months: dict[str, int]) -> int | None:
    if not word or (word.lower() in ("may", "march") and word[0].islower()):
        return None  # the verbs "may" and "march", not months
    return months.get(word.lower().rstrip("."))


def _month_names(language: str | None) -> tuple[dict[str, int], dict[str, int]]:
    """(all month words incl. abbreviations, full names only) for a language; None = both."""
    tables = {"sv": (_SV_MONTHS, _NORDIC_SPELLINGS), "en": (_EN_MONTHS, {})}
    full: dict[str, int] = {}
    short: dict[str, int] = {}
    for lang in ([language] if language in tables else tables):
        names, extra = tables[lang]
        full.update({name: i for i, name in enumerate(names, 1)}, **extra)
        short.update({name[:3]: i for i, name in enumerate(names, 1)}, sept=9)
    return {**short, **full}, full


def _alternatives(words: dict[str, int]) -> str:
    ordered = sorted(words, key=len, reverse=True)  # "mars" before "mar"
    return "(" + "|".join(ordered) + r")\.?(?![a-zåäöæø])"


# The date rules: each a handler (groups, month words) → _Raw and its pattern; <TOKENS> are
# filled in per language. Where two match at one place, the earlier rule wins.
def _ymd(g: tuple, months: dict) -> _Raw:
    return _Raw(0, 0, int(g[1]), int(g[2]), int(g[0]))


def _dmy_numeric(g: tuple, months: dict) -> _Raw:
    return _Raw(0, 0, int(g[1]), int(g[0]), int(g[2]))


def _day_range(g: tuple, months: dict) -> _Raw:
    month, year = _month_word(g[2], months), _number(g[3])
    return _Raw(0, 0, month, int(g[0]), year, until=_Raw(0, 0, month, int(g[1]), year))


def _dmy(g: tuple, months: dict) -> _Raw:
    return _Raw(0, 0, _month_word(g[1], months), int(g[0]), _number(g[2]))


def _mdy(g: tuple, months: dict) -> _Raw:
    return _Raw(0, 0, _month_word(g[0], months), int(g[1]), _number(g[2]))


def _month_only(g: tuple, months: dict) -> _Raw:
    return _Raw(0, 0, _month_word(g[0], months), None, _number(g[1]))


_NUMERIC_RULES = [
    (_ymd, r"(?<![\w/.:])((?:19|20|21)[0-9]{2})[-/.]([01]?[0-9])[-/.]([0-3]?[0-9])(?![0-9])"),
    (_dmy_numeric, r"(?<![\w/.:])([0-3]?[0-9])[./]([01]?[0-9])[./]<YEAR>"),
    (_day_range, r"<DAY>\s*<TO>\s*(?:den\s+|the\s+)?<DAY>\s*(?:of\s+)?<MONTH>"
                 r"(?:\s*,?\s*<YEAR>)?"),
    (_dmy, r"<DAY>\s*(?:of\s+)?<MONTH>(?:\s*,?\s*<YEAR>)?"),
]
_WORD_RULES = [
    (_mdy, r"<ENGLISH_MONTH>\s+<DAY>(?:\s*,?\s*<YEAR>)?"),  # "March 3, 2027"
    (_month_only, r"<FULL_MONTH>(?:\s+<YEAR>)?"),
]


@lru_cache(maxsize=8)
def _date_rules(language: str | None) -> tuple[re.Pattern[str], dict, dict[str, int]]:
    """The rules as one regex, a map from rule name to (first group, handler), month words."""
    months, full = _month_names(language)
    tokens = {"<YEAR>": _YEAR, "<DAY>": _DAY, "<TO>": _TO, "<MONTH>": _alternatives(months),
              "<FULL_MONTH>": _alternatives(full),
              "<ENGLISH_MONTH>": _alternatives(_month_names("en")[0])}
    word_rules = _WORD_RULES[1:] if language == "sv" else _WORD_RULES  # no "March 3" in sv
    handlers, index, branches = {}, 1, []
    for rules in (_NUMERIC_RULES, word_rules):
        parts = []
        for handler, pattern in rules:
            for token, value in tokens.items():
                pattern = pattern.replace(token, value)
            handlers[handler.__name__] = (index, handler)
            parts.append(f"(?P<{handler.__name__}>{pattern})")
            index += 1 + re.compile(pattern).groups
        branches.append("|".join(parts))
    # Checking the first character before trying the rules makes the scan three times faster.
    pattern = rf"(?=[0-9])(?:{branches[0]})|(?<![^\W\d_])(?=[jfmasond])(?:{branches[1]})"
    return re.compile(pattern, re.I), handlers, months


def _scan(text: str, language: str | None) -> list[_Raw]:
    """Every date as written, by the first rule matching at each place."""
    pattern, handlers, months = _date_rules(language)
    raws = []
    for m in pattern.finditer(text):
        index, handler = handlers[m.lastgroup]
        raw = handler(m.groups()[index:index + 6], months)
        raw.start, raw.stop = m.start(), m.end()
        if handler is _month_only and raw.year is None:
            before = _MONTH_PREPOSITION.search(text, max(0, raw.start - 12), raw.start)
            if before is None:
                continue
            raw.start = before.start()
        if raw.month and (raw.day is None or 1 <= raw.day <= 31) and 1 <= raw.month <= 12:
            raws.append(raw)
    return raws


# --- times of day and zones ------------------------------------------------------------------

_ZONE = (r"CEST|CET|UTC|GMT|Z(?![a-zåäö])|central\s+european(?:\s+summer)?\s+time"
         r"|(?:brussels|stockholm|swedish)(?:\s+local)?\s+time|svensk\s+tid"
         r"|[+-][0-9]{2}:?[0-9]{2}")
_ZONES = {"cet": BRUSSELS, "cest": BRUSSELS, "central european": BRUSSELS, "brussels": BRUSSELS,
          "utc": timezone.utc, "gmt": timezone.utc, "z": timezone.utc, "stockholm": STOCKHOLM,
          "swedish": STOCKHOLM, "svensk": STOCKHOLM}
_CLOCK = (r"(?P<h>2[0-4]|[01]?[0-9])(?:[:.](?P<mi>[0-5][0-9])(?:[:.](?P<s>[0-5][0-9])"
          r"(?:[.,][0-9]+)?)?)?(?![0-9])(?:[ \t]*(?P<ampm>[ap])\.?[ \t]?m\b\.?)?"
          r"(?:[ \t]*\(?[ \t]*(?P<zone>" + _ZONE + r")[ \t]*\)?)?")
_LEAD = r"(?P<lead>kl(?:ockan)?\.?[ \t]*|at[ \t]+|@[ \t]*)"
_TIME_AFTER = re.compile(r"(?:(?P<iso>T)|,?[ \t]*" + _LEAD + r"?)" + _CLOCK, re.I)
_TIME_BEFORE = re.compile(r"(?:" + _LEAD + r"|(?<![0-9:.]))(?P<iso>)" + _CLOCK
                          + r"[ \t]*,?[ \t]*(?:den|on|the)?[ \t]*$", re.I)


def _clock_of(m: re.Match[str] | None) -> tuple[tuple[int, int, int], tzinfo | None] | None:
    """(hour, minute, second) and zone from a time match, or None when it is not a time."""
    if m is None or not (m["mi"] or m["ampm"] or (m["lead"] or "")[:2].lower() == "kl"):
        return None  # not a time: "1 mars 2027, 12 000 kr", "on 3 March at 3 sites"
    hour, minute, second = int(m["h"]), int(m["mi"] or 0), int(m["s"] or 0)
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"].lower() == "p" else 0)
    if hour == 24 and minute == second == 0:
        hour, minute, second = 23, 59, 0  # "24:00" is the end of the day
    elif hour > 23:
        return None
    zone = m["zone"]
    if zone and zone[0] in "+-" and not (m["iso"] or m["s"]):
        zone = None  # "9:00-12:00" is a range of times, not an offset
    return (hour, minute, second), _zone_of(zone)


def _zone_of(word: str | None) -> tzinfo | None:
    if not word:
        return None
    if word[0] in "+-":
        digits = word[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return timezone(-offset if word[0] == "-" else offset)
    key = " ".join(word.lower().split())
    return next((zone for name, zone in _ZONES.items() if key.startswith(name)), None)


def _add_time(text: str, raw: _Raw) -> _Raw:
    """Take a time of day written just after ("kl. 16.00") or just before the date."""
    last = raw.until or raw
    after = _TIME_AFTER.match(text, raw.stop)
    found = _clock_of(after)
    if found:
        last.clock, last.zone = found
        raw.stop = after.end()
        return raw
    before = _TIME_BEFORE.search(text, max(0, raw.start - 40), raw.start)
    found = _clock_of(before)
    if found:
        raw.clock, raw.zone = found
        raw.start = before.start()
    return raw


# --- windows ---------------------------------------------------------------------------------

_WINDOW_GAP = re.compile(r"\s*(?P<word>–|—|−|‒|-|/|till(?:\s+och\s+med)?|t\.\s?o\.\s?m\.?"
                         r"|to|until|through|och|and|eller|or)\s*(?:den\s+|the\s+)?", re.I)
_BETWEEN = re.compile(r"\b(?:mellan|between)\s+(?:den\s+|the\s+)?$", re.I)


def _joins_window(text: str, first: _Raw, second: _Raw) -> bool:
    """Whether two dates next to each other are one window's start and end."""
    gap = _WINDOW_GAP.fullmatch(text, first.stop, second.start)
    if gap is None or first.until or second.until:
        return False
    word = gap["word"].lower()
    if word in ("/", "eller", "or"):  # alternatives: only for months ("december/januari")
        return first.day is None and second.day is None
    if word in ("och", "and"):
        return _BETWEEN.search(text, max(0, first.start - 20), first.start) is not None
    return True


def _join_windows(text: str, raws: list[_Raw]) -> list[_Raw]:
    joined: list[_Raw] = []
    for raw in raws:
        if joined and _joins_window(text, joined[-1], raw):
            joined[-1].until, joined[-1].stop = raw, raw.stop
        else:
            joined.append(raw)
    return joined


# --- roles -----------------------------------------------------------------------------------

_ROLE_RULES = [  # (role, words); at one position the first rule wins ("senast ändrad")
    ("updated", r"senast\s+(?:uppdaterad|ändrad)|uppdaterad|uppdaterat|uppdaterades|ändrad"
                r"|last\s+(?:updated|modified)|updated|modified|revised"),
    ("published", r"publicerad|publicerades|publicerat|publiceringsdatum|published|posted"
                  r"|publication\s+date|date\s+of\s+publication|utgiven"),
    ("opens", r"öppna[rst]?|öppnade|öppnades|öppning\w*|öppen|öppet|startdatum|start\s+date"
              r"|opens?|opening|opened|från\s+och\s+med|fr\.\s?o\.\s?m\.?|launch\w*"),
    ("deadline", r"senast|sista\s+(?:\w+\s+)?(?:dag|datum)\w*|sista\s*\w*(?:dag|datum)\w*"
                 r"|deadline|stäng\w*|slutdatum|end\s+date|closes?|closing|closed|cut-?off"
                 r"|due|expires?|no[t]?\s+later\s+than|till\s+och\s+med|t\.\s?o\.\s?m\.?"
                 r"|inkommen|inkomna|remisstid\w*|ansökningstider|svarsdatum"
                 r"|\w*frist(?:en|er|erna)?"),
]
_ROLE_WORDS = re.compile("|".join(f"(?P<{role}>(?<!\\w)(?:{words})(?!\\w))"
                                  for role, words in _ROLE_RULES), re.I)
# Common prepositions say something only right before the date: "öppen till 15 mars".
_ROLE_NEXT_TO = re.compile(r"(?<!\w)(?:(?P<deadline>till|by|until|before|före)|(?P<opens>från"
                           r"|from))\s+(?:den\s+|the\s+|on\s+)?$", re.I)
# "öppningsdatum ändrat till 13 februari": after a verb of change "till"/"to" gives no role;
# the noun before the verb does.
_CHANGED_TO = re.compile(r"(?<!\w)(?:ändra[dts]?|ändrades|flytta[dts]?|flyttades|framflytta\w*"
                         r"|senarelag\w*|tidigarelag\w*|förläng\w*|changed|moved|postponed"
                         r"|extended|brought\s+forward)\s+(?:till|to)\s+(?:den\s+|the\s+)?$", re.I)
# A label with its own value on its line ("Stänger: Ej bestämt") says nothing of later lines.
_LABEL_VALUE = re.compile(r"[ \t]*:[ \t]*\S[^\n]*\n")
# Parallel clauses keep the role of the date before: "9 March 2022, whereas for the core
# projects – 15 March 2022"; "not later than 30 March and, for core projects – 26 April".
_PARALLEL = re.compile(r"^[^.;\n]{0,60}\b(?:for|för|whereas|while|medan|respektive)\b[^.;\n]{0,60}"
                       r"(?:[–—]|\s-)\s*$", re.I)
# A timeline line: a date alone ("14 February 2023", "Monday 3 February 2025 23:59").
_DAY_NAME = (r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|måndag|tisdag|onsdag|torsdag"
             r"|fredag|lördag|söndag)")
_DATE_LINE_EDGE = re.compile(r"[\s•·*\-–:,.]*(?:" + _DAY_NAME + r"[\s,]*)?", re.I)
_LABEL_CHARS = 90  # a longer line is prose, not a label
_ROLE_AFTER = re.compile(r"[ \t,:]*(?:\(|är|is|was|var|blir)[ \t]*(?:den\s+|the\s+)?", re.I)
_LIST_GAP = re.compile(r"[\s,;:•·/&+]*(?:och|samt|and|eller|or|respektive|resp\.)?"
                       r"[\s,;:•·]*(?:den\s+|the\s+)?", re.I)


@lru_cache(maxsize=4)
def _lines(text: str) -> tuple[tuple[tuple[int, int], ...], list[int]]:
    """Each line's (start, stop) in text, and the starts alone (for bisect)."""
    spans, at = [], 0
    for line in text.split("\n"):
        spans.append((at, at + len(line)))
        at += len(line) + 1
    return tuple(spans), [start for start, _ in spans]


def _line_kind(text: str, start: int, stop: int) -> str:
    """"date" (a date alone), "label" (short, no date), "blank" or "prose"."""
    line = text[start:stop]
    if not line.strip():
        return "blank"
    raws = _scan(line, None)
    if not raws:
        return "label" if len(line.strip()) <= _LABEL_CHARS else "prose"
    raw = _add_time(line, raws[0])
    alone = (len(raws) == 1 or (len(raws) == 2 and raws[0].stop <= raws[1].start
                                and _WINDOW_GAP.fullmatch(line, raws[0].stop, raws[1].start)))
    last = raws[-1] if len(raws) == 2 else raw
    if (alone and _DATE_LINE_EDGE.fullmatch(line, 0, raw.start)
            and _DATE_LINE_EDGE.fullmatch(line, max(last.stop, raw.stop))):
        return "date"
    return "prose"


def _timeline_role(text: str, raw: _Raw) -> str | None:
    """The role of a date alone on its line, from the label line above or below it.

    Lines alternating date / label are one block. Labels come before their dates when the
    block starts with a label that has a role word ("Sista ansökningsdag" / "15 oktober
    2026"); after them when it starts with a date or with a heading without one ("Timeline"
    / "14 February 2023" / "Deadline for …" / "20 March 2023" / "Opening …"). None when the
    date is not alone on its line, or its label says nothing and no other date shares the
    block (the ordinary rules then apply).
    """
    line_start = text.rfind("\n", 0, raw.start) + 1
    line_stop = text.find("\n", raw.stop)
    line_stop = len(text) if line_stop < 0 else line_stop
    if not (_DATE_LINE_EDGE.fullmatch(text, line_start, raw.start)
            and _DATE_LINE_EDGE.fullmatch(text, raw.stop, line_stop)):
        return None  # the cheap test first: most dates stand in prose
    spans, starts = _lines(text)
    index = bisect.bisect_right(starts, raw.start) - 1
    if _line_kind(text, *spans[index]) != "date":
        return None
    block = {index: "date"}
    for step in (-1, 1):
        expect, at = "label", index + step
        while 0 <= at < len(spans):
            kind = _line_kind(text, *spans[at])
            if kind != "blank":
                if kind != expect:
                    break
                block[at] = kind
                expect = "date" if expect == "label" else "label"
            at += step
    order = sorted(block)
    first = order[0]
    below = block[first] == "date" or _ROLE_WORDS.search(text, *spans[first]) is None
    near = [i for i in order if (i > index if below else i < index)]
    words = list(_ROLE_WORDS.finditer(text, *spans[near[0] if below else near[-1]])) \
        if near else []
    if words:
        return (words[0] if below else words[-1]).lastgroup or "unknown"
    several = sum(1 for kind in block.values() if kind == "date") > 1
    return "unknown" if several and below else None


def _role(text: str, raw: _Raw, since: int, previous_role: str | None) -> str:
    """The role the words before (or right after) a date give it."""
    timeline = _timeline_role(text, raw)
    if timeline:
        return timeline
    near = _ROLE_NEXT_TO.search(text, since, raw.start)
    changed = near and _CHANGED_TO.search(text, max(since, raw.start - 40), raw.start)
    if near and not changed:
        return near.lastgroup or "unknown"
    stop = changed.start() if changed else raw.start
    words = [w for w in _ROLE_WORDS.finditer(text, since, stop)
             if not _LABEL_VALUE.match(text, w.end()) or _LABEL_VALUE.match(
                 text, w.end()).end() > raw.start]
    if words:
        return words[-1].lastgroup or "unknown"
    if changed:  # "Stängde 1 oktober, förlängd till 15 oktober": what was changed
        extended = re.match(r"förläng|extended", changed.group(0), re.I)
        return previous_role or ("deadline" if extended else "unknown")
    after = _ROLE_AFTER.match(text, raw.stop)
    word = after and _ROLE_WORDS.match(text, after.end())
    if word:
        return word.lastgroup or "unknown"
    if previous_role and _LIST_GAP.fullmatch(text, since, raw.start):
        return previous_role  # "15 februari samt 15 april" are both deadlines
    if previous_role in ("deadline", "opens") and _PARALLEL.search(text[since:raw.start]):
        return previous_role
    return "unknown"


# --- years and moments -----------------------------------------------------------------------

_BARE_YEAR = re.compile(r"(?<![\w:/.-])((?:19|20|21)[0-9]{2})(?![\w/-]|[:.,][0-9])")


def _year_for(raw: _Raw, base: date, forward: bool) -> int | None:
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


def _years(raw: _Raw, base: date, forward: bool, hint: int | None) -> tuple[int, int | None]:
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


def _first_day(raw: _Raw, year: int | None) -> date:
    return date(year or 1, raw.month, raw.day or 1)


def _moment(raw: _Raw, year: int, end_of_day: bool, tz: tzinfo) -> datetime:
    if raw.day is None:
        return datetime(year, raw.month, 1, tzinfo=tz)
    if raw.clock:
        return datetime(year, raw.month, raw.day, *raw.clock, tzinfo=raw.zone or tz)
    clock = time(23, 59) if end_of_day else time(0, 0)
    return datetime.combine(date(year, raw.month, raw.day), clock, tzinfo=tz)


def _settle(raw: _Raw, role: str, base: date, forward: bool, hint: int | None,
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


def _clock(today: date | datetime, tz: tzinfo) -> tuple[date, datetime]:
    """(today's date, now) in tz; a plain date means the start of that day."""
    if isinstance(today, datetime):
        now = today if today.tzinfo else today.replace(tzinfo=tz)
        return now.astimezone(tz).date(), now
    return today, datetime.combine(today, time(0, 0), tzinfo=tz)


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
               tz: tzinfo = STOCKHOLM, anchor: date | datetime | None = None
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


def _page_base(anchor: date | datetime | None, today: date, tz: tzinfo) -> date:
    """The date missing years count from: the page's own date when it is older than today."""
    if anchor is None:
        return today
    anchor_date, _ = _clock(anchor, tz)
    return min(anchor_date, today)


def _find(text: str, *, today: date | datetime, language: str | None, tz: tzinfo,
          default_role: str = "unknown", anchor: date | datetime | None = None
          ) -> list[FoundDate]:
    text = _normalise(text)
    today_date, _ = _clock(today, tz)
    page_date = _page_base(anchor, today_date, tz)
    raws = [_add_time(text, raw) for raw in _scan(text, _language_key(language))]
    raws = _join_windows(text, raws)
    breaks = [0] + [m.end() for m in _SENTENCE_BREAK.finditer(text)] + [len(text) + 1]
    found: list[FoundDate] = []
    previous: tuple[int, str, date | None] | None = None  # (stop, role, date if year known)
    for raw in raws:
        i = bisect.bisect_right(breaks, raw.start) - 1
        first, last = breaks[i], breaks[i + 1]
        same = previous if previous and previous[0] > first else None
        since = max(first, same[0] if same else 0, raw.start - _LOOKBACK)
        role = _role(text, raw, since, same and same[1])
        role = default_role if role == "unknown" else role
        recurring = not raw.year and _EVERY_YEAR.search(
            text, text.rfind("\n\n", 0, raw.start) + 1, _paragraph_end(text, raw.stop)) is not None
        origin = today_date if recurring else page_date
        hint = None if raw.year else _hint_year(text, since, raw.start, origin)
        if not raw.year and _THIS_YEAR.match(text, raw.stop):
            hint = page_date.year  # "Den 25 augusti i år"
        forward = role not in _BACKWARD_ROLES
        base = same[2] if forward and same and same[2] else origin
        settled = _settle(raw, role, base, forward, hint, tz)
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


# A year naming a season, term or round is about when something else happens ("Ansökan för
# våren 2022 stänger 15 oktober": projects start in spring 2022), not the deadline's year.
_OTHER_PERIOD = re.compile(r"(?:\b(?:våren|vår|hösten|höst|sommaren|vintern|läsåret|läsår"
                           r"|terminen|vårterminen|höstterminen|budgetåret|verksamhetsåret"
                           r"|spring|autumn|fall|summer|winter|semester|term|academic\s+year"
                           r"|school\s+year|projektstart)\s+)$", re.I)


def _hint_year(text: str, start: int, stop: int, today: date) -> int | None:
    """The last bare year in text[start:stop]: "Sista ansökningsdagar 2024 är 1 februari"."""
    years = [int(m.group(1)) for m in _BARE_YEAR.finditer(text, start, stop)
             if abs(int(m.group(1)) - today.year) <= 15  # "2000 kr" is no year
             and not _OTHER_PERIOD.search(text, max(start, m.start() - 25), m.start())]
    return years[-1] if years else None


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
                 tz: tzinfo = STOCKHOLM, anchor: date | datetime | None = None
                 ) -> FoundDate | None:
    """The deadline ``text`` states: the soonest future one when several, else the latest.

    Dates with the role "deadline" count, and so do the ends of windows ("15 september–15
    oktober"), returned as a deadline at the window's end. Windows with no role word count
    only when no deadline is stated.
    """
    _, now = _clock(today, tz)
    dates = _find(text, today=today, language=language, tz=tz, anchor=anchor)
    stated = [d for d in dates if d.role == "deadline" and (d.end is None or d.approximate)]
    return (_pick(stated + _window_ends(dates, ("deadline", "opens")), now)
            or _pick(_window_ends(dates, ("unknown",)), now))


def _window_ends(dates: list[FoundDate], roles: tuple[str, ...]) -> list[FoundDate]:
    return [replace(d, role="deadline", when=d.end, end=None) for d in dates
            if d.end and not d.approximate and d.role in roles]


def find_opening(text: str, *, today: date | datetime, language: str | None = None,
                 tz: tzinfo = STOCKHOLM, anchor: date | datetime | None = None
                 ) -> FoundDate | None:
    """When what ``text`` describes opens: the opening of the round still to close first.

    Dates with the role "opens" count, and so do the starts of windows (returned with the
    role "opens" and the window's ``end``). Among those whose round has not closed the
    earliest wins; when all are past, the latest.
    """
    _, now = _clock(today, tz)
    dates = _find(text, today=today, language=language, tz=tz, anchor=anchor)
    candidates = [replace(d, role="opens") for d in dates if d.role == "opens" or (
        d.end and not d.approximate and d.role in ("deadline", "unknown"))]
    return _pick(candidates, now)


def find_published(text: str, *, today: date | datetime, language: str | None = None,
                 tz: tzinfo = STOCKHOLM, anchor: date | datetime | None = None
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


def parse_date(value: str, *, today: date | datetime, tz: tzinfo = STOCKHOLM,
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
                    minute: int = 59, tz: tzinfo = STOCKHOLM) -> datetime:
    """The next deadline on or after ``today`` of one that recurs every year on month/day,
    moved to the next working day when it falls on a weekend or holiday (the Nordplus rule:
    1 February 23:59 CET every year). Raises ValueError for a day no year has."""
    date(2000, month, day)  # a leap year: only impossible days raise here
    _, now = _clock(today, tz)
    for year in range(now.year - 1, now.year + 9):
        try:
            due = datetime.combine(next_working_day(date(year, month, day)),
                                   time(hour, minute), tzinfo=tz)
        except ValueError:
            continue  # 29 February in a common year
        if due >= now:
            return due
    raise ValueError(f"no deadline on {day}/{month} after {today}")  # unreachable in practice
