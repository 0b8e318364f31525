"""One call reached through two sources is shown once, with both links.

Both items stay in the store (nothing is lost, each keeps its own history); this module
puts them in a duplicate group, and :meth:`monitor.store.database.Store.query_items` shows one row per
group, the richest member, with ``links`` listing every member's source and URL.

Two calls from *different* sources are the same call when they share a deadline day
(Swedish time) and either

- their titles agree: after lower-casing and dropping filler words, at least 80 % of the
  shorter title's words (and at least two) are in the other title, and their programmes,
  where both are given, do not contradict each other; or
- they have the same programme and each is the only item of its source with that programme
  and deadline day (a programme-level round such as "Nordplus Junior, 1 February", which a
  funder's site and a national agency's site word differently, even in two languages).

A group holds at most one item of each source (the strongest matches are joined first).
Calls without a deadline are never grouped: without a date two similar titles are too weak
a sign. Groups are recomputed from all calls after every poll that changed something.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, tzinfo
from itertools import combinations
from typing import Any, Sequence

from monitor.model import from_iso

__all__ = ["CallKey", "title_words", "group_calls", "update_groups"]

MIN_OVERLAP = 0.8

# Words that say nothing about which call it is.
FILLER = frozenset("""
a an and the of for in on to with by from at or call calls proposal proposals open opens
opening 2nd 3rd 4th 5th th new och i för av till med om på en ett den det utlysning
utlysningen utlysningar ansökan ansökningsomgång ansökningsomgången omgång sök nu öppen
öppnar
""".split())


def title_words(title: str) -> frozenset[str]:
    """The words that identify a call: lower-case, punctuation and filler words removed."""
    words = re.findall(r"\w+", title.casefold().replace("+", "plus"))
    return frozenset(w for w in words if w not in FILLER)


def _programme(value: str | None) -> str:
    return " ".join(sorted(title_words(value or "")))


@dataclass(frozen=True)
class CallKey:
    """What grouping looks at in one stored call."""

    id: str
    source: str
    words: frozenset[str]
    programme: str
    days: frozenset[str]
    richness: int

    @classmethod
    def from_row(cls, row: dict[str, Any], tz: tzinfo) -> "CallKey":
        """``tz``: the settings' time zone, in which two deadlines fall on the same day."""
        deadlines = row["deadlines"]
        if isinstance(deadlines, str):
            deadlines = json.loads(deadlines or "[]")
        days = frozenset(_day(d, tz) for d in deadlines if d)
        return cls(id=row["id"], source=row["source"], words=title_words(row["title"]),
                   programme=_programme(row.get("programme")), days=days,
                   richness=richness(row))


def _day(value: str | datetime, tz: tzinfo) -> str:
    when = from_iso(value) if isinstance(value, str) else value
    return when.astimezone(tz).date().isoformat()


def richness(row: dict[str, Any]) -> int:
    """How much a row tells: filled fields first, then the length of its text."""
    summary = row.get("summary") or ""
    filled = sum(bool(row.get(k)) for k in ("opens", "programme", "published")) + bool(
        row.get("deadlines") not in (None, "", "[]", []))
    return (filled + 2 * bool(summary)) * 10000 + min(len(summary), 9999)


def titles_agree(a: CallKey, b: CallKey) -> bool:
    shorter, longer = sorted((a.words, b.words), key=len)
    if len(shorter) < 2:
        return False
    if len(shorter & longer) / len(shorter) < MIN_OVERLAP:
        return False
    if a.programme and b.programme:
        pa, pb = set(a.programme.split()), set(b.programme.split())
        return pa <= pb or pb <= pa
    return True


def group_calls(keys: Sequence[CallKey]) -> dict[str, str]:
    """Item id → group id (the smallest member id) for every item that has a duplicate.

    Pairs whose titles agree are joined first, then programme rounds; a join that would put
    two items of one source in a group is skipped.
    """
    by_day: dict[str, list[CallKey]] = defaultdict(list)
    for key in keys:
        for day in sorted(key.days):
            by_day[day].append(key)
    pairs = [(a, b) for day in sorted(by_day) for a, b in _title_pairs(by_day[day])]
    pairs += _programme_pairs(by_day)
    parent = {key.id: key.id for key in keys}
    sources = {key.id: {key.source} for key in keys}  # by group root

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = sorted((root(a.id), root(b.id)))
        if ra != rb and not sources[ra] & sources[rb]:
            parent[rb] = ra
            sources[ra] |= sources.pop(rb)
    members: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        members[root(key.id)].append(key.id)
    return {item: min(group) for group in members.values() if len(group) > 1
            for item in group}


def _title_pairs(block: list[CallKey]) -> list[tuple[CallKey, CallKey]]:
    """Pairs of one day's calls, from different sources, whose titles agree.

    Two titles that agree share at least two words, so each must share one of its words
    other than its most common one (prefix filtering): only those candidates are compared,
    which keeps a day with hundreds of calls from costing every pair.
    """
    frequency = Counter(word for key in block for word in key.words)
    postings: dict[str, list[int]] = defaultdict(list)
    candidates: set[tuple[int, int]] = set()
    for index, key in enumerate(block):
        words = sorted(key.words, key=lambda w: (frequency[w], w))[:len(key.words) - 1]
        for word in words:
            candidates.update((other, index) for other in postings[word])
            postings[word].append(index)
    return [(block[i], block[j]) for i, j in sorted(candidates)
            if block[i].source != block[j].source and titles_agree(block[i], block[j])]


def _programme_pairs(by_day: dict[str, list[CallKey]]) -> list[tuple[CallKey, CallKey]]:
    """Pairs of calls with the same programme and day, each the only one of its source."""
    pairs = []
    for day in sorted(by_day):
        rounds: dict[str, dict[str, list[CallKey]]] = defaultdict(lambda: defaultdict(list))
        for key in by_day[day]:
            if key.programme:
                rounds[key.programme][key.source].append(key)
        for per_source in rounds.values():
            unique = [found[0] for found in per_source.values() if len(found) == 1]
            pairs += combinations(unique, 2)
    return pairs


# ------------------------------------------------------------------- storing the groups
def update_groups(store: Any, tz: tzinfo) -> int:
    """Recompute every duplicate group from the stored calls; return the grouped items.

    ``tz`` is the settings' time zone: deadlines on the same local day may be one call.
    The groups are stored by :mod:`monitor.store.groups`."""
    keys = [CallKey.from_row(row, tz) for row in store.duplicate_candidates()]
    groups = group_calls(keys)
    store.replace_groups(groups, {k.id: k.richness for k in keys})
    return len(groups)
