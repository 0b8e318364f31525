"""What a date in text is: the words that give it its role ("senast", "sista ansökningsdag",
"öppnar", "Publicerad", "deadline" …), the label lines and timelines a date alone on its line
takes its role from, and the clauses that keep the role of the date before.

:func:`role_of` is asked for each date :func:`monitor.text.date_shapes.scan` found; the rules
are the ordered list ``_ROLE_RULES`` (at one position the first wins).
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from monitor.text.date_shapes import WINDOW_GAP, Raw, add_time, scan

__all__ = ["role_of"]


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
    raws = scan(line, None)
    if not raws:
        return "label" if len(line.strip()) <= _LABEL_CHARS else "prose"
    raw = add_time(line, raws[0])
    alone = (len(raws) == 1 or (len(raws) == 2 and raws[0].stop <= raws[1].start
                                and WINDOW_GAP.fullmatch(line, raws[0].stop, raws[1].start)))
    last = raws[-1] if len(raws) == 2 else raw
    if (alone and _DATE_LINE_EDGE.fullmatch(line, 0, raw.start)
            and _DATE_LINE_EDGE.fullmatch(line, max(last.stop, raw.stop))):
        return "date"
    return "prose"


def _timeline_role(text: str, raw: Raw) -> str | None:
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


def role_of(text: str, raw: Raw, since: int, previous_role: str | None) -> str:
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
