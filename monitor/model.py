"""The item every source produces, and the rules that derive its status and next deadline.

Dates are timezone-aware ``datetime`` objects in memory and ISO 8601 strings in UTC in the
store, so that string order is time order.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone, tzinfo
from html import unescape
from typing import Any, Iterable

__all__ = [
    "Item",
    "Tag",
    "CALL",
    "LEGISLATION",
    "STATUSES",
    "derive_status",
    "next_deadline",
    "day_deadline",
    "day_opening",
    "date_only",
    "to_iso",
    "from_iso",
    "html_to_text",
    "storable_text",
    "one_line",
    "scrub",
]

CALL = "call"
LEGISLATION = "legislation"
KINDS = (CALL, LEGISLATION)
FORTHCOMING, OPEN, CLOSED = "forthcoming", "open", "closed"
STATUSES = (FORTHCOMING, OPEN, CLOSED)


def to_iso(value: datetime | None) -> str | None:
    """Aware datetime → ``2026-09-15T00:00:00+00:00`` (UTC, seconds). Naive is taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def from_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def date_only(value: datetime) -> bool:
    """Whether a source's timestamp stands for a day: midnight or 23:59 in the source's own
    offset (the EU portal's ``2027-02-15T00:00:00.000+0000`` is 15 February, whatever the
    hour that is in Stockholm)."""
    return (value.hour, value.minute) in ((0, 0), (23, 59)) and value.microsecond == 0 and (
        value.second == 0 or (value.hour, value.second) == (23, 59))


def day_deadline(day: date, tz: tzinfo) -> datetime:
    """A deadline known only as a day: the end of that day (23:59) in the monitor's time zone,
    so mail, calendar and CLI all show that same day (each shows 23:59 as the day alone)."""
    return datetime.combine(day, time(23, 59), tzinfo=tz)


def day_opening(day: date, tz: tzinfo) -> datetime:
    """An opening known only as a day: the start of that day in the monitor's time zone."""
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def next_deadline(deadlines: Iterable[datetime], now: datetime) -> datetime | None:
    """The first deadline at or after ``now``; None when all have passed or there are none."""
    future = sorted(d for d in deadlines if d >= now)
    return future[0] if future else None


def derive_status(label: str | None, opens: datetime | None, deadlines: Iterable[datetime],
                  now: datetime) -> str | None:
    """A call's status from its dates; the source's label only breaks ties.

    Sources' labels go stale (a portal row still says "open" months after its last cut-off),
    so dates win whenever they say something: not yet open → forthcoming; every deadline
    passed → closed; a future deadline and an opening in the past → open.
    """
    deadlines = list(deadlines)
    if opens is not None and opens > now:
        return FORTHCOMING
    if deadlines:
        if all(d < now for d in deadlines):
            return CLOSED
        if opens is not None or label in (CLOSED, None):
            return OPEN
    return label if label in STATUSES else (OPEN if deadlines else label)


_TAG_RE = re.compile(r"<[^>]*>")
_BLOCK_RE = re.compile(r"</?(p|div|br|li|ul|ol|h[1-6]|tr|table|section|article)\b[^>]*>", re.I)
_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0]+")
_NEWLINES_RE = re.compile(r"\n\s*\n+")


def html_to_text(value: str | None) -> str:
    """Strip markup (also half-cut markup), decode entities, keep paragraph breaks."""
    if not value:
        return ""
    text = _BLOCK_RE.sub("\n", value)
    text = _TAG_RE.sub("", text)
    text = re.sub(r"<[^>]*$", "", text)  # a tag cut off at the end of a truncated field
    text = unescape(text)
    text = _SPACE_RE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _NEWLINES_RE.sub("\n\n", text).strip()


# Control characters other than tab and line breaks: NUL cuts text short in C code and mail
# servers refuse it; the others only garble terminals and mail.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def storable_text(value: str) -> str:
    """Text that can be stored as UTF-8 and shown anywhere.

    A lone surrogate (JSON allows ``"\\ud800"``) cannot be encoded and would make every store
    of the item fail: it becomes U+FFFD, as a decoder does with a bad byte. Control characters
    other than tab, CR and LF are removed.
    """
    if not value.isascii():
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _CONTROL_RE.sub("", value)


def one_line(value: str) -> str:
    """:func:`storable_text` on one line: every line break and whitespace run is one space
    (also U+2028, U+0085 and other separators a title should not carry)."""
    # split first: \x0b, \x1c-\x1f are separators here, not characters to drop
    return " ".join(storable_text(" ".join(value.split())).split())


def scrub(value: Any) -> Any:
    """:func:`storable_text` applied to every string in nested lists and dicts (keys too)."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value


@dataclass
class Item:
    """One call for proposals or one legislative/policy document, as a source delivers it.

    ``native_id`` is the source's own id; ``id`` is ``<source>:<native_id>``. ``deadlines``
    holds every deadline (two-stage and multiple cut-off calls have several); ``deadline`` and
    ``status`` are derived against a clock when the item is stored. ``extra`` carries what a
    source knows beyond the common fields (date evidence text, other links, budget ...).
    """

    source: str
    native_id: str
    kind: str
    title: str
    url: str
    summary: str = ""
    programme: str | None = None
    language: str | None = None
    status: str | None = None
    opens: datetime | None = None
    deadlines: list[datetime] = field(default_factory=list)
    published: datetime | None = None
    raw: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.source}:{self.native_id}"

    def resolved(self, now: datetime) -> "ResolvedItem":
        """Status and next deadline as of ``now``."""
        deadlines = sorted(set(self.deadlines))
        if self.kind == LEGISLATION and self.status is None:
            status = None
        else:
            status = derive_status(self.status, self.opens, deadlines, now)
        deadline = next_deadline(deadlines, now)
        return ResolvedItem(status=status, deadline=deadline, deadlines=deadlines)


@dataclass(frozen=True)
class ResolvedItem:
    status: str | None
    deadline: datetime | None
    deadlines: list[datetime]


@dataclass(frozen=True)
class Tag:
    """A committee or priority area assigned to an item, with the evidence for it.

    ``dimension`` is ``"committee"`` or ``"priority"``; ``evidence`` lists the words or rules
    that produced the tag, so a person can see why.
    """

    dimension: str
    tag: str
    score: float
    evidence: tuple[str, ...] = ()
    matcher: str = ""
