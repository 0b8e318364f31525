"""People's corrections of an item's tags: who, when, why; they win over the rules.

``monitor correct ID --add kfn --remove bun --reason ... --by ...`` stores one row. Every
time an item's tags are written (ingest, ``monitor retag``) :func:`apply` lays the item's
corrections over what the rules gave, oldest first, so a correction survives new polls and
re-tags. A committee a correction adds carries the evidence "Rättad av NAME: REASON"; the
item's rows from the store carry ``corrections`` (with that text in Swedish and English) for
``show``, mail and web. The rules themselves never learn silently: ``monitor eval
--corrections`` lists where they disagree, ``monitor suggest-rules`` proposes a diff.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

from monitor.model import Tag, to_iso
from monitor.store.eligibility import DIMENSION as ELIGIBILITY
from monitor.store.eligibility import ELIGIBLE, NOT_ELIGIBLE
from monitor.store.sql import Database

__all__ = ["Correction", "schema", "add", "for_items", "every", "apply", "text", "MATCHER"]

MATCHER = "correction"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY, item_id TEXT NOT NULL, add_committees TEXT NOT NULL DEFAULT '[]',
    remove_committees TEXT NOT NULL DEFAULT '[]', add_priorities TEXT NOT NULL DEFAULT '[]',
    remove_priorities TEXT NOT NULL DEFAULT '[]', reason TEXT NOT NULL, by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_item ON corrections(item_id, id);
"""


def schema(db: Database) -> None:
    db.conn.executescript(_SCHEMA)


@dataclass(frozen=True)
class Correction:
    """One person's correction of one item."""

    id: int
    item_id: str
    add_committees: tuple[str, ...]
    remove_committees: tuple[str, ...]
    add_priorities: tuple[str, ...]
    remove_priorities: tuple[str, ...]
    reason: str
    by: str
    at: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "item": self.item_id, "add": list(self.add_committees),
                "remove": list(self.remove_committees),
                "add_priorities": list(self.add_priorities),
                "remove_priorities": list(self.remove_priorities), "reason": self.reason,
                "by": self.by, "at": self.at, "text": text(self, "sv"),
                "text_en": text(self, "en")}


def text(correction: Correction, lang: str = "sv") -> str:
    """"Rättad av anna.l: Läsfrämjande hör till kulturen" (``Corrected by`` in English)."""
    who = "Corrected by" if lang == "en" else "Rättad av"
    return f"{who} {correction.by}: {correction.reason}"


def _row(row: Sequence[Any]) -> Correction:
    return Correction(row[0], row[1], *(tuple(json.loads(v)) for v in row[2:6]), row[6],
                      row[7], row[8])


_COLUMNS = ("id, item_id, add_committees, remove_committees, add_priorities, "
            "remove_priorities, reason, by, at")


def add(conn: sqlite3.Connection, item_id: str, *, add_committees: Iterable[str] = (),
        remove_committees: Iterable[str] = (), add_priorities: Iterable[str] = (),
        remove_priorities: Iterable[str] = (), reason: str, by: str, now: datetime
        ) -> Correction:
    """Store one correction (the caller holds the write transaction and re-tags the item)."""
    values = [json.dumps(sorted(set(v))) for v in (add_committees, remove_committees,
                                                   add_priorities, remove_priorities)]
    cur = conn.execute("INSERT INTO corrections (item_id, add_committees, remove_committees, "
                       "add_priorities, remove_priorities, reason, by, at) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?)", [item_id, *values, reason, by, to_iso(now)])
    return _row(conn.execute(f"SELECT {_COLUMNS} FROM corrections WHERE id = ?",
                             [cur.lastrowid]).fetchone())


def for_items(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, list[Correction]]:
    """Each item's corrections, oldest first (items without any are left out)."""
    result: dict[str, list[Correction]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ", ".join("?" for _ in chunk)
        for row in conn.execute(f"SELECT {_COLUMNS} FROM corrections WHERE item_id IN "
                                f"({marks}) ORDER BY id", chunk):
            correction = _row(row)
            result.setdefault(correction.item_id, []).append(correction)
    return result


def every(conn: sqlite3.Connection) -> list[Correction]:
    return [_row(r) for r in conn.execute(f"SELECT {_COLUMNS} FROM corrections ORDER BY id")]


def apply(tags: list[Tag], corrections: Sequence[Correction]) -> list[Tag]:
    """The rules' tags with the corrections laid over them, oldest first."""
    if not corrections:
        return tags
    out = list(tags)
    for c in corrections:
        evidence = (text(c, "sv"),)
        dropped = set(c.remove_committees)
        out = [t for t in out if not (t.dimension == "committee" and t.tag in dropped)
               and not (t.dimension == "priority" and t.tag in c.remove_priorities)]
        have = {(t.dimension, t.tag) for t in out}
        out += [Tag("committee", ident, 0.0, evidence, MATCHER) for ident in c.add_committees
                if ("committee", ident) not in have]
        out += [Tag("priority", ident, 0.0, evidence, MATCHER) for ident in c.add_priorities
                if ("priority", ident) not in have]
        if c.add_committees:  # a person says the municipality can take up a refused call
            out = [Tag(ELIGIBILITY, ELIGIBLE, 0.0, evidence, MATCHER)
                   if t.dimension == ELIGIBILITY and t.tag == NOT_ELIGIBLE else t for t in out]
    if not any(t.dimension == "committee" for t in out):  # no committee, no priority
        out = [t for t in out if t.dimension != "priority"]
    return out
