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
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from .i18n import add_messages, t
from .mail import MONTHS, display_day
from .meetings import Meetings
from .model import from_iso, to_iso


__all__ = ["DecideBy", "decide_by", "decide_by_for_row", "decide_by_json", "decide_by_cell",
           "format_decide_by", "first_action"]


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


def decide_by_for_row(row: Mapping[str, Any], meetings: Meetings, *,
                      committee: str | None = None, now: datetime
                      ) -> DecideBy | None:
    """:func:`decide_by` for an item row from ``Store.query_items`` / ``get_item``.

    The owning committee is ``committee`` when given, else the row's first committee tag
    (the highest scored), else none (the board's step alone).
    """
    if row.get("kind") not in (None, "call"):
        return None
    owner = committee or next(iter(row.get("committees") or []), None)
    deadlines = [from_iso(d) for d in row.get("deadlines") or []]
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
        months = MONTHS.get(lang, MONTHS["sv"])
        return f"{value.day} {months[value.month - 1]} {value.year}" if value else ""

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
