"""Open applications and their next step, for the weekly digest.

``applications_in_progress(store, committee_id, now, meetings=meetings(config))`` gives one
:class:`Progress` per open application of the committee; ``format_next_step(p, lang)`` is the
line to print ("KS-beslut senast 2027-01-26 (ärendet till KS senast 2027-01-05)", "skicka
ansökan senast 2027-02-10", "inskickad 2026-12-01, inväntar beslut").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from monitor.decisions.applications import (INTENT, KS_APPROVED, OPEN_STATUSES, SUBMITTED,
                                            Application, list_applications)
from monitor.decisions.decide_by import DecideBy, decide_by
from monitor.decisions.meetings import Meetings
from monitor.mail.message import display_day
from monitor.model import next_deadline
from monitor.store.database import Store
from monitor.text.i18n import add_messages, format_date, t

__all__ = ["Progress", "ProgressLine", "applications_in_progress", "progress_of",
           "format_next_step", "progress_lines"]

KS_DECISION, TOO_LATE, SEND, AWAIT = "ks_decision", "too_late", "send", "await_decision"
NO_DEADLINE = "no_deadline"


@dataclass(frozen=True)
class Progress:
    """An open application, what has to happen next (``step``) and by when (``due``)."""

    application: Application
    step: str
    due: date | None
    plan: DecideBy | None = None


def applications_in_progress(store: Store, committee_id: str | None, now: datetime, *,
                             meetings: Meetings | None = None) -> list[Progress]:
    """Open applications of ``committee_id`` (every committee when None), soonest step first.

    Without ``meetings`` (the decision calendar) an intent's KS step has no date.
    """
    meetings = meetings or Meetings()
    apps = list_applications(store, committee=committee_id, statuses=OPEN_STATUSES,
                             tz=meetings.tz)
    result = [p for p in (progress_of(app, meetings, now) for app in apps) if p is not None]
    return sorted(result, key=lambda p: (p.due is None, p.due or date.max, p.application.id))


def progress_of(app: Application, meetings: Meetings, now: datetime) -> Progress | None:
    """The next step of one application; None when it is closed."""
    if app.status not in OPEN_STATUSES:
        return None
    tz = meetings.tz
    deadline = next_deadline(app.deadlines, now)
    plan = None
    if app.status == INTENT and deadline is None:
        step, due = NO_DEADLINE, None  # every deadline has passed (or none is known)
    elif app.status == INTENT:
        plan = decide_by(app.deadlines, app.committee, meetings, now)
        if plan is not None and plan.too_late:
            step, due = TOO_LATE, display_day(plan.deadline, tz)
        else:
            step, due = KS_DECISION, plan.ks_meeting if plan else None
    elif app.status == KS_APPROVED:
        step, due = SEND, display_day(deadline, tz) if deadline else None
    else:
        step, due = AWAIT, None
    return Progress(app, step, due, plan)


add_messages({
    "progress.ks_decision": {"sv": "KS-beslut senast {due} (ärendet till KS senast {submission})",
                             "en": "KS decision by {due} (matter to KS by {submission})"},
    "progress.ks_decision_undated": {"sv": "KS-beslut behövs (inget sammanträde planerat)",
                                     "en": "KS decision needed (no meeting planned)"},
    "progress.too_late": {"sv": "för sent för KS-beslut före sista dag {due}",
                          "en": "too late for a KS decision before the deadline {due}"},
    "progress.heading": {"sv": "Pågående ansökningar", "en": "Applications in progress"},
    "progress.no_deadline": {"sv": "ingen kommande sista dag känd",
                             "en": "no coming deadline known"},
    "progress.send": {"sv": "skicka ansökan senast {due}", "en": "send the application by {due}"},
    "progress.send_undated": {"sv": "skicka ansökan (ingen sista dag känd)",
                              "en": "send the application (no deadline known)"},
    "progress.await": {"sv": "inskickad {since}, inväntar beslut",
                       "en": "submitted {since}, awaiting the decision"},
})


def format_next_step(progress: Progress, lang: str = "sv", *, tz: ZoneInfo) -> str:
    """The next step and its date as one phrase in Swedish or English."""
    step, due = progress.step, progress.due
    if step == KS_DECISION:
        if due is None or progress.plan is None:
            return t("progress.ks_decision_undated", lang)
        return t("progress.ks_decision", lang, due=due, submission=progress.plan.ks_submission)
    if step == NO_DEADLINE:
        return t("progress.no_deadline", lang)
    if step == TOO_LATE:
        return t("progress.too_late", lang, due=due)
    if step == SEND:
        return t("progress.send", lang, due=due) if due else t("progress.send_undated", lang)
    submitted = [e.at for e in progress.application.history if e.status == SUBMITTED]
    since = format_date(submitted[-1], tz) if submitted else ""
    return t("progress.await", lang, since=since)


@dataclass(frozen=True)
class ProgressLine:
    """An open application as a digest lists it: which call, whose, and the next step."""

    application_id: int
    title: str
    url: str | None
    committee: str
    status: str
    next_step: str


def progress_lines(store: Store, committee_id: str | None, now: datetime, *,
                   meetings: Meetings | None = None, lang: str = "sv",
                   tz: ZoneInfo) -> list[ProgressLine]:
    """:func:`applications_in_progress` formatted for a digest, soonest step first."""
    from monitor.decisions.applications import status_label

    return [ProgressLine(p.application.id, p.application.title, p.application.url,
                         p.application.committee, status_label(p.application.status, lang),
                         format_next_step(p, lang, tz=tz))
            for p in applications_in_progress(store, committee_id, now, meetings=meetings)]
