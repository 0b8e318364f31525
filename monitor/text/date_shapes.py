"""How dates are written in Swedish and English text: the shapes a date takes, times of day
and zones next to it, and windows ("15 september–15 oktober").

:func:`scan` finds every date as written (:class:`Raw`: month, day and year as far as the text
gives them) by the first of an ordered list of small rules matching at each place;
:func:`add_time` takes a time of day written next to it, :func:`join_windows` joins a start and
an end into one window. What a date is (its role) and which year it falls in are decided in
:mod:`monitor.text.date_roles` and :mod:`monitor.text.date_years`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = ["Raw", "scan", "add_time", "join_windows", "WINDOW_GAP"]

BRUSSELS = ZoneInfo("Europe/Brussels")


@dataclass
class Raw:
    """A date as written, before its year and role are settled; ``until`` is a window's end."""

    start: int
    stop: int
    month: int
    day: int | None = None  # None: only the month is known
    year: int | None = None
    clock: tuple[int, int, int] | None = None
    zone: tzinfo | None = None
    until: Raw | None = None


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


# The date rules: each a handler (groups, month words) → Raw and its pattern; <TOKENS> are
# filled in per language. Where two match at one place, the earlier rule wins.
def _ymd(g: tuple, months: dict) -> Raw:
    return Raw(0, 0, int(g[1]), int(g[2]), int(g[0]))


def _dmy_numeric(g: tuple, months: dict) -> Raw:
    return Raw(0, 0, int(g[1]), int(g[0]), int(g[2]))


def _day_range(g: tuple, months: dict) -> Raw:
    month, year = _month_word(g[2], months), _number(g[3])
    return Raw(0, 0, month, int(g[0]), year, until=Raw(0, 0, month, int(g[1]), year))


def _dmy(g: tuple, months: dict) -> Raw:
    return Raw(0, 0, _month_word(g[1], months), int(g[0]), _number(g[2]))


def _mdy(g: tuple, months: dict) -> Raw:
    return Raw(0, 0, _month_word(g[0], months), int(g[1]), _number(g[2]))


def _month_only(g: tuple, months: dict) -> Raw:
    return Raw(0, 0, _month_word(g[0], months), None, _number(g[1]))


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


def scan(text: str, language: str | None) -> list[Raw]:
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
_ZONES: dict[str, tzinfo | None] = {"cet": BRUSSELS, "cest": BRUSSELS, "central european": BRUSSELS, "brussels": BRUSSELS,
          "utc": timezone.utc, "gmt": timezone.utc, "z": timezone.utc,
          # Swedish time is the local zone: the caller's ``tz`` (settings' timezone)
          "stockholm": None, "swedish": None, "svensk": None}
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


def add_time(text: str, raw: Raw) -> Raw:
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

WINDOW_GAP = re.compile(r"\s*(?P<word>–|—|−|‒|-|/|till(?:\s+och\s+med)?|t\.\s?o\.\s?m\.?"
                         r"|to|until|through|och|and|eller|or)\s*(?:den\s+|the\s+)?", re.I)
_BETWEEN = re.compile(r"\b(?:mellan|between)\s+(?:den\s+|the\s+)?$", re.I)


def _joins_window(text: str, first: Raw, second: Raw) -> bool:
    """Whether two dates next to each other are one window's start and end."""
    gap = WINDOW_GAP.fullmatch(text, first.stop, second.start)
    if gap is None or first.until or second.until:
        return False
    word = gap["word"].lower()
    if word in ("/", "eller", "or"):  # alternatives: only for months ("december/januari")
        return first.day is None and second.day is None
    if word in ("och", "and"):
        return _BETWEEN.search(text, max(0, first.start - 20), first.start) is not None
    return True


def join_windows(text: str, raws: list[Raw]) -> list[Raw]:
    joined: list[Raw] = []
    for raw in raws:
        if joined and _joins_window(text, joined[-1], raw):
            joined[-1].until, joined[-1].stop = raw, raw.stop
        else:
            joined.append(raw)
    return joined
