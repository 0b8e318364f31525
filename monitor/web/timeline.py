"""The decision timeline of one call, for the call page: committee → KS → application.

Built from :func:`monitor.decide.decide_by_for_row`'s plan. Each step has a phase, a title,
dated lines (a cut-off, a meeting, the deadline) and a state relative to today: ``done``
(every date passed), ``next`` (the first step still to act on), ``later``, or ``warning``
(the committee has no ordinary meeting in time; too late for KS).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..decide import DecideBy
from ..i18n import add_messages, t
from ..longdates import long_day
from ..mail import display_day, long_date

__all__ = ["timeline_steps"]

add_messages({
    "web.tl_submission": {"sv": "Ärendet in senast", "en": "Matter in by"},
    "web.tl_meeting": {"sv": "Sammanträde", "en": "Meeting"},
    "web.tl_ks": {"sv": "Kommunstyrelsen (KS)", "en": "Municipal Executive Board (KS)"},
    "web.tl_application": {"sv": "Ansökan", "en": "Application"},
    "web.tl_deadline": {"sv": "Sista dag", "en": "Deadline"},
    "web.tl_committee_missed": {
        "sv": "Inget ordinarie sammanträde hinns: extra sammanträde eller ordförandebeslut.",
        "en": "No ordinary meeting in time: an extra meeting or a chair's decision."},
    "web.tl_too_late": {"sv": "För sent för KS-beslut före sista dag.",
                        "en": "Too late for a KS decision before the deadline."},
    "web.tl_beyond_plan": {"sv": "Sammanträdesplanen slutar före; ett senare möte kan finnas.",
                           "en": "The meeting plan ends before; a later meeting may exist."},
})


def _line(label: str, day: date | None, lang: str) -> dict[str, Any] | None:
    if day is None:
        return None
    return {"label": label, "day": day, "text": long_day(day, lang)}


def _step(phase: str, title: str, lines: list[dict[str, Any] | None], note: str = "",
          warning: bool = False) -> dict[str, Any]:
    return {"phase": phase, "title": title, "lines": [x for x in lines if x], "note": note,
            "state": "warning" if warning else ""}


def timeline_steps(plan: DecideBy | None, *, committee_name: str | None, lang: str,
                   tz: ZoneInfo, now: datetime) -> list[dict[str, Any]]:
    """The steps to show; empty when there is no plan (no coming deadline, no calendar)."""
    if plan is None:
        return []
    deadline_day = display_day(plan.deadline, tz)
    application = _step("application", t("web.tl_application", lang), [
        {"label": t("web.tl_deadline", lang), "day": deadline_day,
         "text": long_date(plan.deadline, tz, lang)}])
    steps = []
    if plan.too_late:
        steps.append(_step("ks", t("web.tl_ks", lang), [], t("web.tl_too_late", lang), True))
    else:
        if plan.committee and plan.committee_meeting != plan.ks_meeting or plan.committee_missed:
            name = committee_name or (plan.committee or "").upper()
            if plan.committee_missed:
                steps.append(_step("committee", name, [], t("web.tl_committee_missed", lang),
                                   True))
            elif plan.committee_meeting:
                steps.append(_step("committee", name, [
                    _line(t("web.tl_submission", lang), plan.committee_submission, lang),
                    _line(t("web.tl_meeting", lang), plan.committee_meeting, lang)]))
        steps.append(_step("ks", t("web.tl_ks", lang), [
            _line(t("web.tl_submission", lang), plan.ks_submission, lang),
            _line(t("web.tl_meeting", lang), plan.ks_meeting, lang)],
            t("web.tl_beyond_plan", lang) if plan.beyond_plan else ""))
    steps.append(application)
    today = now.astimezone(tz).date()
    marked = False
    for step in steps:
        if step["state"]:
            continue
        if step["lines"] and all(line["day"] < today for line in step["lines"]):
            step["state"] = "done"
        elif not marked:
            step["state"], marked = "next", True
        else:
            step["state"] = "later"
    return steps
