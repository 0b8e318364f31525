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
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from monitor.model import from_iso

if TYPE_CHECKING:
    from monitor.store.sql import Database


__all__ = ["CallKey", "title_words", "group_calls", "update_groups", "schema",
           "grouped_select", "links_for"]

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


# ------------------------------------------------------------------- storage and queries
def schema(db: "Database") -> None:
    """The ``item_groups`` table: only items that have a duplicate have a row."""
    db.execute("CREATE TABLE IF NOT EXISTS item_groups (item_id TEXT PRIMARY KEY, "
               "group_id TEXT NOT NULL, richness INTEGER NOT NULL DEFAULT 0)")
    db.execute("CREATE INDEX IF NOT EXISTS item_groups_group ON item_groups(group_id)")


def update_groups(store: Any, tz: tzinfo) -> int:
    """Recompute every duplicate group from the stored calls; return the grouped items.

    ``tz`` is the settings' time zone: deadlines on the same local day may be one call."""
    rows = store.db.query("SELECT id, source, title, programme, deadlines, summary, opens, "
                          "published FROM items WHERE kind = 'call' AND deadlines != '[]'")
    keys = [CallKey.from_row(row, tz) for row in rows]
    groups = group_calls(keys)
    rich = {k.id: k.richness for k in keys}
    with store.write() as conn:
        conn.execute("DELETE FROM item_groups")
        conn.executemany("INSERT INTO item_groups (item_id, group_id, richness) VALUES (?, ?, ?)",
                         [(item, group, rich[item]) for item, group in groups.items()])
    return len(groups)


def grouped_select(where: str, shown: str = "") -> str:
    """SQL for the items matching ``where`` (may be empty), one row per duplicate group.

    The group is formed among the rows that match, so a filter that leaves out the richer
    member (``--source uhr``) still shows the other: a grouped row is shown unless another
    member that also matches ranks before it (richer, then the smaller id). ``where`` refers
    to the columns of ``items`` unqualified, so the same text filters the other member in the
    subquery. ``shown`` (may be empty) filters the rows that are shown, after collapsing.
    No window over all matching rows: only grouped rows cost a lookup, and the outer query
    adds ORDER and LIMIT, so SQLite keeps just the first rows when there is a LIMIT. The
    subquery starts from the group's other members (CROSS JOIN keeps that order): left to
    itself SQLite may start from every item matching ``where`` (``--status open`` read all
    open calls for each grouped row: 1.8 s instead of 30 ms on 100,000 items).
    """
    better = ("NOT EXISTS (SELECT 1 FROM item_groups other CROSS JOIN items ON items.id = "
              "other.item_id WHERE other.group_id = g.group_id AND other.item_id != g.item_id"
              " AND (other.richness > g.richness OR (other.richness = g.richness AND "
              f"other.item_id < g.item_id)){' AND ' + where if where else ''})")
    conditions = [f"({where})"] if where else []
    conditions.append(f"(g.group_id IS NULL OR {better})")
    if shown:
        conditions.append(f"({shown})")
    return ("SELECT items.* FROM items LEFT JOIN item_groups g ON g.item_id = items.id "
            "WHERE " + " AND ".join(conditions))


def links_for(db: "Database", rows: Iterable[dict[str, Any]],
              ) -> dict[str, list[dict[str, str]]]:
    """Every row's links: its own first, then the other members of its group."""
    rows = list(rows)
    ids = [r["id"] for r in rows]
    others: dict[str, list[dict[str, str]]] = defaultdict(list)
    for start in range(0, len(ids), 400):
        chunk = ids[start:start + 400]
        marks = ", ".join("?" for _ in chunk)
        for row in db.query(
                "SELECT mine.item_id AS owner, items.id, items.source, items.url "
                "FROM item_groups mine JOIN item_groups other ON other.group_id = mine.group_id"
                f" AND other.item_id != mine.item_id JOIN items ON items.id = other.item_id "
                f"WHERE mine.item_id IN ({marks}) ORDER BY other.richness DESC, items.id",
                chunk):
            others[row.pop("owner")].append(row)
    return {r["id"]: [{"id": r["id"], "source": r["source"], "url": r["url"]}, *others[r["id"]]]
            for r in rows}
