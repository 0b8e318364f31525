""""Besluta senast": by when the board must decide so that a call can still be applied for.

For a call's deadline the board (KS) meeting that decides must lie at least
``application_days`` before the deadline's date (the application is finished and sent after
the meeting), and the matter must reach KS ``submission_days`` before that meeting. The latest
such meeting is the one to aim for; the owning committee's last meeting strictly before KS's
submission date is when the committee itself must decide. All dates are calendar dates in the
municipality's time zone (a deadline's day as the mail shows it: 00:00 and 23:59 mean that
day); a cut-off day itself still counts as in time.

Use :func:`decide_by` (pure) or :func:`decide_by_for_row` (a ``Store.query_items`` row), and
:func:`format_decide_by` / :func:`decide_by_cell` / :func:`decide_by_json` to show the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from monitor.decisions.meetings import Meetings
from monitor.mail.message import display_day
from monitor.model import from_iso, to_iso
from monitor.store.rows import StoredItem
from monitor.text.i18n import add_messages, t
from monitor.text.when import prose_day

__all__ = ["DecideBy", "decide_by", "decide_by_for_row", "decide_by_json", "decide_by_cell",
           "format_decide_by", "first_action", "Step", "Timeline", "decision_timeline",
           "timeline_for_row", "timeline_json", "STEP_KINDS"]


@dataclass(frozen=True)
class DecideBy:
    """When to decide for one call.

    ``deadline`` is the call deadline the plan aims at: the next one for which a board decision
    is still possible (earlier ones that are no longer reachable are in ``skipped``). When none
    is reachable, ``too_late`` is true, ``deadline`` is the next deadline and ``ks_meeting`` the
    last meeting that would have fitted it (or None). ``committee_missed``: the committee's last
    ordinary meeting before the KS cut-off has passed its own cut-off (or none is planned), so
    it needs an extra meeting or a chair's decision. ``beyond_plan``: the deadline lies after
    the calendar's last board meeting; a later, not yet planned meeting may also fit.
    """

    deadline: datetime
    ks_meeting: date | None
    ks_submission: date | None
    committee: str | None
    committee_meeting: date | None
    committee_submission: date | None
    too_late: bool = False
    committee_missed: bool = False
    beyond_plan: bool = False
    skipped: tuple[datetime, ...] = ()


def decide_by(deadlines: Iterable[datetime], committee_id: str | None, meetings: Meetings,
              now: datetime) -> DecideBy | None:
    """The decide-by plan for a call with these deadlines, owned by ``committee_id``.

    None when there is nothing to plan: no deadline at or after ``now``, or no board meetings
    configured.
    """
    board = meetings.body(meetings.board)
    future = sorted(d for d in deadlines if d >= now)
    if board is None or not board.dates or not future:
        return None
    tz = meetings.tz
    today = now.astimezone(tz).date()
    lead = timedelta(days=meetings.application_days)
    for index, deadline in enumerate(future):
        latest = display_day(deadline, tz) - lead
        meeting = _last(board.dates, on_or_before=latest)
        if meeting is None or board.submission_date(meeting) < today:
            continue  # later deadlines only allow later meetings: keep looking
        submission = board.submission_date(meeting)
        committee_meeting, committee_submission, missed = _committee_step(
            meetings, committee_id, meeting, submission, today)
        return DecideBy(deadline=deadline, ks_meeting=meeting, ks_submission=submission,
                        committee=committee_id, committee_meeting=committee_meeting,
                        committee_submission=committee_submission, committee_missed=missed,
                        beyond_plan=meeting == board.dates[-1] and latest > meeting,
                        skipped=tuple(future[:index]))
    first = future[0]
    meeting = _last(board.dates, on_or_before=display_day(first, tz) - lead)
    return DecideBy(deadline=first, ks_meeting=meeting,
                    ks_submission=board.submission_date(meeting) if meeting else None,
                    committee=committee_id, committee_meeting=None, committee_submission=None,
                    too_late=True)


def _last(dates: tuple[date, ...], *, on_or_before: date) -> date | None:
    fitting = [d for d in dates if d <= on_or_before]
    return fitting[-1] if fitting else None


def _committee_step(meetings: Meetings, committee_id: str | None, ks_meeting: date,
                    ks_submission: date, today: date) -> tuple[date | None, date | None, bool]:
    """(meeting, submission date, missed) of the committee's own decision before KS's."""
    if committee_id is None:
        return None, None, False
    if committee_id == meetings.board:  # the board owns the project: its meeting is the step
        return ks_meeting, ks_submission, False
    body = meetings.body(committee_id)
    if body is None or not body.dates:
        return None, None, False  # no plan for this committee: nothing to say about it
    meeting = _last(body.dates, on_or_before=ks_submission - timedelta(days=1))
    if meeting is None:
        return None, None, True
    submission = body.submission_date(meeting)
    return meeting, submission, submission < today


def first_action(plan: DecideBy | None) -> tuple[date, str] | None:
    """The first cut-off to act on and whose it is: ``(day, "committee")`` when the owning
    committee still has an ordinary meeting in time, else ``(day, "ks")``; None when too late.
    """
    if plan is None or plan.too_late or plan.ks_submission is None:
        return None
    if plan.committee_submission and not plan.committee_missed \
            and plan.committee_meeting != plan.ks_meeting:
        return plan.committee_submission, "committee"
    return plan.ks_submission, "ks"


def decide_by_for_row(row: StoredItem, meetings: Meetings, *,
                      committee: str | None = None, now: datetime
                      ) -> DecideBy | None:
    """:func:`decide_by` for an item row from ``Store.query_items`` / ``get_item``.

    The owning committee is ``committee`` when given, else the row's first committee tag
    (the highest scored), else none (the board's step alone).
    """
    if row.kind not in ("", "call"):
        return None
    owner = committee or next(iter(row.committees), None)
    deadlines = [from_iso(d) for d in row.deadlines]
    return decide_by([d for d in deadlines if d is not None], owner, meetings, now)


def decide_by_json(plan: DecideBy | None) -> dict[str, Any] | None:
    """The plan as JSON: meeting and cut-off days as ``YYYY-MM-DD``, deadlines in ISO 8601 UTC."""
    if plan is None:
        return None

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None
    return {"deadline": to_iso(plan.deadline), "ks_meeting": day(plan.ks_meeting),
            "ks_submission": day(plan.ks_submission), "committee": plan.committee,
            "committee_meeting": day(plan.committee_meeting),
            "committee_submission": day(plan.committee_submission),
            "too_late": plan.too_late, "committee_missed": plan.committee_missed,
            "beyond_plan": plan.beyond_plan, "skipped": [to_iso(d) for d in plan.skipped]}


add_messages({
    "decide.column": {"sv": "Besluta senast", "en": "Decide by"},
    "decide.too_late": {"sv": "för sent för KS-beslut", "en": "too late for a KS decision"},
    "decide.for_deadline": {"sv": "för sista dag {deadline}", "en": "for the deadline {deadline}"},
    "decide.line": {"sv": "Besluta senast: KS {meeting} (ärendet till KS senast {submission})",
                    "en": "Decide by: KS {meeting} (matter to KS by {submission})"},
    "decide.committee": {"sv": "{committee} {meeting} (ärendet in senast {submission})",
                         "en": "{committee} {meeting} (matter in by {submission})"},
    "decide.committee_missed": {
        "sv": "{committee} hinner inte på ordinarie sammanträde (extra sammanträde eller "
              "ordförandebeslut behövs)",
        "en": "{committee} has no ordinary meeting in time (an extra meeting or a chair's "
              "decision is needed)"},
    "decide.beyond_plan": {"sv": "sammanträdesplanen slutar före; ett senare möte kan finnas",
                           "en": "the meeting plan ends before; a later meeting may exist"},
    "decide.calendar_ks": {"sv": "Ärende till KS senast: {title}",
                           "en": "Matter to KS by: {title}"},
    "decide.calendar_committee": {"sv": "Ärende till nämnden senast: {title}",
                                  "en": "Matter to the committee by: {title}"},
    "decide.line_too_late": {"sv": "För sent för KS-beslut före sista dag {deadline}.",
                             "en": "Too late for a KS decision before the deadline {deadline}."},
})


def decide_by_cell(plan: DecideBy | None, lang: str = "sv", *, tz: ZoneInfo) -> str:
    """The short table cell: the KS meeting date, or "för sent för KS-beslut"."""
    if plan is None:
        return ""
    if plan.too_late:
        return t("decide.too_late", lang)
    text = plan.ks_meeting.isoformat() if plan.ks_meeting else ""
    if plan.skipped:  # the next deadline is out of reach: say which one this is for
        deadline = display_day(plan.deadline, tz).isoformat()
        text += f" ({t('decide.for_deadline', lang, deadline=deadline)})"
    return text


def format_decide_by(plan: DecideBy | None, lang: str = "sv", *,
                     committee_name: str | None = None, tz: ZoneInfo) -> str:
    """One sentence for a digest entry, e.g. "Besluta senast: KS 26 januari 2027 (ärendet till
    KS senast 5 januari 2027); BUN 2 december 2026 (ärendet in senast 18 november 2026); för
    sista dag 10 februari 2027." Empty when there is no plan."""
    if plan is None:
        return ""
    def day(value: date | None) -> str:  # the same "15 januari 2027" as the rest of a mail
        return prose_day(value, lang) if value else ""

    deadline = day(display_day(plan.deadline, tz))
    if plan.too_late:
        return t("decide.line_too_late", lang, deadline=deadline)
    parts = [t("decide.line", lang, meeting=day(plan.ks_meeting),
               submission=day(plan.ks_submission))]
    name = committee_name or (plan.committee or "").upper()
    if plan.committee_missed:
        parts.append(t("decide.committee_missed", lang, committee=name))
    elif plan.committee_meeting and plan.committee_meeting != plan.ks_meeting:
        parts.append(t("decide.committee", lang, committee=name,
                       meeting=day(plan.committee_meeting),
                       submission=day(plan.committee_submission)))
    parts.append(t("decide.for_deadline", lang, deadline=deadline))
    if plan.beyond_plan:
        parts.append(t("decide.beyond_plan", lang))
    return "; ".join(parts) + "."


# ------------------------------------------------------------------------- the timeline
COMMITTEE_HANDIN, COMMITTEE_MEETING = "committee_handin", "committee_meeting"
KS_HANDIN, KS_MEETING, DEADLINE = "ks_handin", "ks_meeting", "deadline"
STEP_KINDS = (COMMITTEE_HANDIN, COMMITTEE_MEETING, KS_HANDIN, KS_MEETING, DEADLINE)
#: what can still be done when an ordinary meeting is out of reach
CHAIR_DECISION, EXTRA_MEETING, NEXT_ROUND = "chair_decision", "extra_meeting", "next_round"


@dataclass(frozen=True)
class Step:
    """One dated step of a call's decision path.

    ``kind`` is one of :data:`STEP_KINDS`; ``body`` the committee id for the committee's and
    the board's steps (None for the deadline); ``when`` the deadline moment (deadline step
    only); ``missed``: the step's day has passed although the path needed it.
    """

    day: date
    kind: str
    body: str | None = None
    when: datetime | None = None
    missed: bool = False


@dataclass(frozen=True)
class Timeline:
    """The decision path of one call, in date order: what a digest, the web page and the KS
    draft show instead of one sentence.

    ``steps``: committee hand-in and meeting (when the owning committee has a plan and is not
    the board), KS hand-in and meeting, the application deadline. ``late_by``: when the path
    misses a step (``too_late``, ``committee_missed``, or an earlier deadline in ``skipped``),
    the days since the hand-in day that would have been needed. ``remedies``: what can still
    be done, in the order to try (:data:`CHAIR_DECISION`, :data:`EXTRA_MEETING`,
    :data:`NEXT_ROUND`); ``next_round`` the later deadline to aim at instead, when known.
    """

    steps: tuple[Step, ...]
    deadline: datetime
    committee: str | None
    too_late: bool = False
    committee_missed: bool = False
    late_by: int | None = None
    missed_deadline: datetime | None = None  # the deadline ``late_by`` is about
    remedies: tuple[str, ...] = ()
    next_round: datetime | None = None
    beyond_plan: bool = False


def decision_timeline(plan: DecideBy | None, meetings: Meetings, now: datetime, *,
                      later_rounds: Iterable[datetime] = ()) -> Timeline | None:
    """The dated steps of ``plan`` (from :func:`decide_by`) as of ``now``; None without a plan.

    ``later_rounds``: deadlines of the same programme's later rounds (other items), offered as
    the next round when this call is out of reach.
    """
    if plan is None:
        return None
    tz, today = meetings.tz, now.astimezone(meetings.tz).date()
    steps: list[Step] = []
    own = plan.committee if plan.committee and plan.committee != meetings.board else None
    if own and plan.committee_meeting and plan.committee_submission:
        missed = plan.committee_missed
        steps += [Step(plan.committee_submission, COMMITTEE_HANDIN, own, missed=missed),
                  Step(plan.committee_meeting, COMMITTEE_MEETING, own, missed=missed)]
    if plan.ks_submission and plan.ks_meeting:
        steps += [Step(plan.ks_submission, KS_HANDIN, meetings.board, missed=plan.too_late),
                  Step(plan.ks_meeting, KS_MEETING, meetings.board, missed=plan.too_late)]
    steps.append(Step(display_day(plan.deadline, tz), DEADLINE, when=plan.deadline))
    late_by, missed_deadline = None, None
    if plan.too_late:
        missed_deadline = plan.deadline
        late_by = (today - plan.ks_submission).days if plan.ks_submission else None
    elif plan.committee_missed and plan.committee_submission:
        late_by = (today - plan.committee_submission).days
    elif plan.skipped:
        missed_deadline = plan.skipped[0]
        board = meetings.body(meetings.board)
        fitting = board and _last(board.dates, on_or_before=display_day(
            missed_deadline, tz) - timedelta(days=meetings.application_days))
        late_by = (today - board.submission_date(fitting)).days if fitting else None
    remedies: tuple[str, ...] = ()
    next_round = None
    if plan.too_late:
        later = sorted(d for d in later_rounds if d > plan.deadline)
        next_round = later[0] if later else None
        remedies = (CHAIR_DECISION, EXTRA_MEETING, NEXT_ROUND)
    elif plan.committee_missed:
        remedies = (CHAIR_DECISION, EXTRA_MEETING)
    elif plan.skipped:
        remedies, next_round = (CHAIR_DECISION, EXTRA_MEETING, NEXT_ROUND), plan.deadline
    return Timeline(steps=tuple(sorted(steps, key=lambda s: (s.day, STEP_KINDS.index(s.kind)))),
                    deadline=plan.deadline, committee=plan.committee, too_late=plan.too_late,
                    committee_missed=plan.committee_missed, late_by=late_by,
                    missed_deadline=missed_deadline, remedies=remedies, next_round=next_round,
                    beyond_plan=plan.beyond_plan)


def timeline_for_row(row: StoredItem, meetings: Meetings, *, committee: str | None = None,
                     now: datetime,
                     later_rounds: Iterable[datetime] = ()) -> Timeline | None:
    """:func:`decision_timeline` for an item row (see :func:`decide_by_for_row`)."""
    plan = decide_by_for_row(row, meetings, committee=committee, now=now)
    return decision_timeline(plan, meetings, now, later_rounds=later_rounds)


def timeline_json(timeline: Timeline | None) -> dict[str, Any] | None:
    """The timeline as JSON: days ``YYYY-MM-DD``, deadlines ISO 8601 UTC."""
    if timeline is None:
        return None
    return {"deadline": to_iso(timeline.deadline), "committee": timeline.committee,
            "steps": [{"day": s.day.isoformat(), "kind": s.kind, "body": s.body,
                       "when": to_iso(s.when), "missed": s.missed} for s in timeline.steps],
            "too_late": timeline.too_late, "committee_missed": timeline.committee_missed,
            "late_by": timeline.late_by, "missed_deadline": to_iso(timeline.missed_deadline),
            "remedies": list(timeline.remedies), "next_round": to_iso(timeline.next_round),
            "beyond_plan": timeline.beyond_plan}
