"""Decision steps coming up: the hand-in days for the committee's and the board's decision on
the calls a subscription follows. Digests list them under "Att besluta de närmaste veckorna";
reminders go out 14 and 3 days before each (:mod:`monitor.digests.dispatch`).

Also the one-line warning that decide-by rests on example meeting dates, or on a calendar that
ends within three months (:func:`meeting_note`).
"""

from __future__ import annotations

import bisect
import re
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from monitor.decisions.decide_by import (COMMITTEE_HANDIN, KS_HANDIN, Step, Timeline,
                                         timeline_for_row)
from monitor.decisions.meetings import Meetings
from monitor.model import from_iso, to_iso
from monitor.store.rows import StoredItem
from monitor.text.i18n import add_messages, t
from monitor.text.when import prose, prose_day

__all__ = ["DueStep", "due_steps", "due_step_text", "meeting_note", "open_calls",
           "next_round_after", "decision_horizon",
           "CALENDAR_WARN_DAYS", "CALLS_AHEAD_DAYS"]

#: a body's calendar ending this close (about three months) is worth a warning
CALENDAR_WARN_DAYS = 92
#: hand-in days in the coming weeks belong to deadlines a few months away at most (KS meets
#: about monthly); decision steps and reminders read the open calls closing this soon
CALLS_AHEAD_DAYS = 240

add_messages({
    "steps.heading": {"sv": "Att besluta de närmaste veckorna",
                      "en": "To decide in the coming weeks"},
    "steps.line": {"sv": "{day}: ärendet till {body} senast – {title} (sista dag {deadline})",
                   "en": "{day}: last day for the matter to reach the {body} – {title} "
                         "(deadline {deadline})"},
    "steps.days_left": {"sv": "om {n} dagar", "en": "in {n} days"},
    "steps.days_left_one": {"sv": "i morgon", "en": "tomorrow"},
    "steps.days_left_zero": {"sv": "i dag", "en": "today"},
    "meetings.example": {
        "sv": "Besluta senast bygger på exempeldatum{bodies} – lägg in sammanträdesplanen "
              "({file}).",
        "en": "Decide-by rests on example dates{bodies} – add the meeting plan ({file})."},
    "meetings.for": {"sv": " för {bodies}", "en": " for {bodies}"},
    "meetings.ends": {
        "sv": "Sammanträdesplanen för {bodies} slutar {day} – lägg in nästa plan ({file}).",
        "en": "The meeting plan for {bodies} ends {day} – add the next plan ({file})."},
})


@dataclass(frozen=True)
class DueStep:
    """A hand-in day ahead for one followed call: ``days`` from today to ``step.day``."""

    step: Step
    row: StoredItem
    days: int


def open_calls(store: Any, now: datetime, *, committee: str | None = None,
               sources: Sequence[str] = (), ids: Iterable[str] | None = None,
               days: int = CALLS_AHEAD_DAYS) -> list[StoredItem]:
    """Open calls tagged to ``committee`` (None: to any committee; ``ids``: only these, tagged
    or not), closing within ``days``: light items (:meth:`Store.open_calls`), one per
    duplicate group (the richer row)."""
    return store.open_calls(now, now + timedelta(days=days), committee=committee,
                            tagged=ids is None, sources=sources, ids=ids)


def decision_horizon(meetings: Meetings, now: datetime, within_days: int) -> int:
    """Days ahead within which a call's (next) deadline must lie for a hand-in day of its
    decision path to fall in the next ``within_days`` days; 0 without a board calendar.

    A board hand-in by day E means a board meeting M <= E + its lead, and a deadline D is
    planned on the last meeting <= D - application_days, so D < (the meeting after M) +
    application_days. A committee hand-in by E means its meeting c <= E + its lead; the
    board's hand-in then lies on or before the committee's next meeting after c. Where a plan
    ends, the bound is :data:`CALLS_AHEAD_DAYS`.
    """
    board = meetings.body(meetings.board)
    if board is None or not board.dates:
        return 0
    today = now.astimezone(meetings.tz).date()
    end = today + timedelta(days=within_days)

    def after(dates: tuple, day: Any) -> Any:
        return next((d for d in dates if d > day), None)
    latest = [end + timedelta(days=board.submission_days)]  # the last board meeting in reach
    for body in meetings.bodies.values():
        if body.id == board.id or not body.dates:
            continue
        following = after(body.dates, end + timedelta(days=body.submission_days))
        if following is None:
            return CALLS_AHEAD_DAYS
        latest.append(following + timedelta(days=board.submission_days))
    following = after(board.dates, max(latest))
    if following is None:
        return CALLS_AHEAD_DAYS
    return min(CALLS_AHEAD_DAYS,
               (following + timedelta(days=meetings.application_days) - today).days + 1)


def due_steps(rows: Iterable[StoredItem], meetings: Meetings, now: datetime, *,
              within_days: int, committee: str | None = None,
              timelines: Callable[[StoredItem], Timeline | None] | None = None,
              ) -> list[DueStep]:
    """Committee and board hand-in days from today up to ``within_days`` ahead, soonest first.

    ``committee``: the owning committee (a committee's digest); None takes each row's first
    committee (the overview). ``timelines``: each row's decision steps for that committee,
    when the caller has them (:meth:`monitor.digests.entries.EntryWriter.steps`).
    """
    today = now.astimezone(meetings.tz).date()
    out = []
    seen = set()
    for row in rows:
        line = timelines(row) if timelines is not None \
            else timeline_for_row(row, meetings, committee=committee, now=now)
        if line is None or line.too_late:
            continue
        for step in line.steps:
            days = (step.day - today).days
            if step.kind in (COMMITTEE_HANDIN, KS_HANDIN) and not step.missed \
                    and 0 <= days <= within_days and (row.id, step.kind) not in seen:
                seen.add((row.id, step.kind))
                out.append(DueStep(step, row, days))
    return sorted(out, key=lambda d: (d.step.day, d.step.kind != COMMITTEE_HANDIN,
                                      str(d.row.title)))


def due_step_text(due: DueStep, lang: str, names: Mapping[str, str], tz: ZoneInfo,
                  title: str | None = None) -> str:
    """``5 januari 2027: ärendet till Kommunstyrelsen senast – Erasmus+ skolutbildning
    (sista dag 18 februari 2027)``."""
    body = names.get(due.step.body or "", (due.step.body or "").upper())
    return t("steps.line", lang, day=prose_day(due.step.day, lang), body=body,
             title=title or due.row.title,
             deadline=prose(due.row.deadline, tz, lang, with_time=False))


def days_phrase(days: int, lang: str) -> str:
    """``om 14 dagar`` / ``i morgon`` / ``i dag``."""
    if days <= 0:
        return t("steps.days_left_zero", lang)
    if days == 1:
        return t("steps.days_left_one", lang)
    return t("steps.days_left", lang, n=days)


def meeting_note(meetings: Meetings, now: datetime, lang: str,
                 names: Mapping[str, str] | None = None) -> str:
    """One line when any body's decide-by rests on example dates, or its calendar ends within
    :data:`CALENDAR_WARN_DAYS`; "" otherwise (and when there is no calendar at all)."""
    names = names or {}
    today = now.astimezone(meetings.tz).date()
    example = [b for b in meetings.bodies.values() if b.dates and b.example]
    ending = [b for b in meetings.bodies.values() if b.dates and not b.example
              and b.dates[-1] < today + timedelta(days=CALENDAR_WARN_DAYS)]
    where = meetings.file.name if meetings.file else "meetings.toml"
    parts = []
    if example:
        every = len(example) == sum(1 for b in meetings.bodies.values() if b.dates)
        bodies = "" if every else t("meetings.for", lang, bodies=", ".join(
            names.get(b.id, b.id.upper()) for b in example))
        parts.append(t("meetings.example", lang, file=where, bodies=bodies))
    if ending:
        last = min(b.dates[-1] for b in ending)
        parts.append(t("meetings.ends", lang, file=where, day=prose_day(last, lang),
                       bodies=", ".join(names.get(b.id, b.id.upper()) for b in ending)))
    return " ".join(parts)


# ------------------------------------------------------------------ the next round of a call
_YEAR = re.compile(r"20\d\d")
#: per store: (until, writes seen) → rounds ahead; the digests of one run share one load
_ROUNDS: "weakref.WeakKeyDictionary[Any, tuple[tuple, dict]]" = weakref.WeakKeyDictionary()


def _rounds_ahead(store: Any, until: datetime) -> dict[tuple[str, str], dict[str, list]]:
    """Every open or forthcoming call ahead whose title carries a year, as
    {(programme, source): {undated title: sorted [(deadline, id)]}}: one light query,
    remembered until the store is written (by this connection or another)."""
    version = (to_iso(until), *store.data_version())
    cached = _ROUNDS.get(store)
    if cached is not None and cached[0] == version:
        return cached[1]
    rounds: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = {}
    for ident, title, deadlines, programme, source in store.dated_rounds(until):
        rounds.setdefault((programme, source), {}).setdefault(_undated(title), []).extend(
            (d, ident) for d in deadlines)
    result = {k: {title: sorted(v) for title, v in by_title.items()}
              for k, by_title in rounds.items()}
    _ROUNDS[store] = (version, result)
    return result


def _undated(title: str) -> str:
    """A title without its dates and numbers, to tell rounds of one call apart from others."""
    return " ".join(re.sub(r"[\d\W_]+", " ", title.lower()).split())


def next_round_after(store: Any, row: StoredItem, until: datetime) -> list[datetime]:
    """The next deadline after ``row``'s of another round of the same call: an open or
    forthcoming call of the same programme and source whose title differs only in its dates
    ("Nordplus Junior – ansökan senast 2027-02-01" / "… 2027-10-01"); [] when none."""
    if not row.programme or not row.deadline or not _YEAR.search(row.title):
        return []  # rounds of one call are told apart by the dates in their titles
    later = _rounds_ahead(store, until).get((row.programme, row.source), {}).get(
        _undated(row.title), [])
    start = bisect.bisect_right(later, (row.deadline, "\uffff"))
    nxt = next((later[i][0] for i in range(start, len(later)) if later[i][1] != row.id),
               None)
    return [from_iso(nxt)] if nxt else []  # type: ignore[list-item]
