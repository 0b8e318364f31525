"""A decision timeline (:class:`monitor.decisions.decide_by.Timeline`) in words, for mail and the CLI.

``timeline_lines`` gives one line per dated step ("5 januari 2027: ärendet till
Kommunstyrelsen senast"); ``late_line`` says, when a step is out of reach, by how much and
what can still be done. Dates are written in prose by :mod:`monitor.text.when`.
"""

from __future__ import annotations

from typing import Mapping
from zoneinfo import ZoneInfo

from monitor.decisions.decide_by import (CHAIR_DECISION, COMMITTEE_HANDIN, DEADLINE, KS_HANDIN,
                                         Step, Timeline)
from monitor.text.i18n import MESSAGES, add_messages, t
from monitor.text.when import prose, prose_day

__all__ = ["timeline_lines", "late_line", "step_text"]

add_messages({
    "timeline.heading": {"sv": "Beslutsgång", "en": "Decision steps"},
    "timeline.committee_handin": {"sv": "ärendet till {body} senast",
                                  "en": "last day for the matter to reach the {body}"},
    "timeline.committee_meeting": {"sv": "{body} sammanträder och beslutar",
                                   "en": "{body} meets and decides"},
    "timeline.ks_handin": {"sv": "ärendet till {body} senast",
                           "en": "last day for the matter to reach the {body}"},
    "timeline.ks_meeting": {"sv": "{body} sammanträder och godkänner",
                            "en": "{body} meets and approves"},
    "timeline.deadline": {"sv": "ansökan ska vara inne", "en": "application must be in"},
    "timeline.missed": {"sv": " (passerat)", "en": " (passed)"},
    "timeline.days": {"sv": "{n} dagar", "en": "{n} days"},
    "timeline.days_one": {"sv": "1 dag", "en": "1 day"},
    "timeline.too_late": {
        "sv": "För sent för ordinarie beslut i {board} före sista dag {deadline}: ärendet "
              "skulle ha varit inne {handin}, {late} sedan.",
        "en": "Too late for an ordinary decision by the {board} before the deadline {deadline}: "
              "the matter was due {handin}, {late} ago."},
    "timeline.too_late_no_meeting": {
        "sv": "För sent för ordinarie beslut i {board} före sista dag {deadline}: inget "
              "sammanträde i planen hinns.",
        "en": "Too late for an ordinary decision by the {board} before the deadline {deadline}: "
              "no planned meeting is in time."},
    "timeline.committee_late": {
        "sv": "{committee} hinner inte på ordinarie sammanträde: ärendet skulle ha varit "
              "inne {handin}, {late} sedan.",
        "en": "{committee} has no ordinary meeting in time: the matter was due {handin}, "
              "{late} ago."},
    "timeline.skipped": {
        "sv": "För sent för sista dag {deadline} ({late} för sent till {board}).",
        "en": "Too late for the deadline {deadline} ({late} too late for the {board})."},
    "timeline.can_do": {"sv": "Det som återstår: {options}.", "en": "What can still be done: {options}."},
    "timeline.chair_decision": {"sv": "ordförandebeslut (brådskande ärende)",
                                "en": "a chair's decision (urgent matter)"},
    "timeline.extra_meeting": {"sv": "extra sammanträde", "en": "an extra meeting"},
    "timeline.next_round": {"sv": "nästa omgång, sista dag {day}",
                            "en": "the next round, deadline {day}"},
    "timeline.next_round_unknown": {"sv": "nästa omgång när den utlyses",
                                    "en": "the next round when it is announced"},
    "timeline.or": {"sv": " eller ", "en": " or "},
    "timeline.beyond_plan": {"sv": "Sammanträdesplanen slutar före sista dag; ett senare möte "
                                   "kan finnas.",
                             "en": "The meeting plan ends before the deadline; a later meeting "
                                   "may exist."},
})


def _days(n: int, lang: str) -> str:
    return t("timeline.days_one", lang) if n == 1 else t("timeline.days", lang, n=n)


def step_text(step: Step, lang: str, names: Mapping[str, str], tz: ZoneInfo) -> str:
    """``5 januari 2027: ärendet till Kommunstyrelsen senast``."""
    body = names.get(step.body or "", (step.body or "").upper())
    when = prose(step.when, tz, lang) if step.kind == DEADLINE and step.when else \
        prose_day(step.day, lang)
    text = f"{when}: {t('timeline.' + step.kind, lang, body=body)}"
    return text + (t("timeline.missed", lang) if step.missed else "")


def timeline_lines(timeline: Timeline | None, lang: str, names: Mapping[str, str],
                   tz: ZoneInfo) -> list[str]:
    """One line per step, in date order; [] without a timeline."""
    if timeline is None:
        return []
    return [step_text(s, lang, names, tz) for s in timeline.steps]


def late_line(timeline: Timeline | None, lang: str, names: Mapping[str, str], tz: ZoneInfo,
              board: str = "ks") -> str:
    """By how much a step is missed and what can still be done; "" when all is in time."""
    if timeline is None:
        return ""
    board_name = names.get(board, board.upper())
    committee = names.get(timeline.committee or "", (timeline.committee or "").upper())
    handin = {s.kind: s.day for s in timeline.steps}
    parts = []
    if timeline.too_late:
        deadline = prose(timeline.deadline, tz, lang, with_time=False)
        if timeline.late_by is None or KS_HANDIN not in handin:
            parts.append(t("timeline.too_late_no_meeting", lang, board=board_name,
                           deadline=deadline))
        else:
            parts.append(t("timeline.too_late", lang, board=board_name, deadline=deadline,
                           handin=prose_day(handin[KS_HANDIN], lang),
                           late=_days(timeline.late_by, lang)))
    elif timeline.committee_missed and timeline.late_by is not None \
            and COMMITTEE_HANDIN in handin:
        parts.append(t("timeline.committee_late", lang, committee=committee,
                       handin=prose_day(handin[COMMITTEE_HANDIN], lang),
                       late=_days(timeline.late_by, lang)))
    elif timeline.missed_deadline is not None and timeline.late_by is not None:
        parts.append(t("timeline.skipped", lang, board=board_name,
                       deadline=prose(timeline.missed_deadline, tz, lang, with_time=False),
                       late=_days(timeline.late_by, lang)))
    options = []
    for remedy in timeline.remedies:
        if remedy == "next_round":
            options.append(t("timeline.next_round", lang, day=prose(
                timeline.next_round, tz, lang, with_time=False)) if timeline.next_round
                else t("timeline.next_round_unknown", lang))
        elif f"timeline.{remedy}" in MESSAGES:
            options.append(t(f"timeline.{remedy}", lang))
    if options and (parts or remedy_only(timeline)):
        listed = ", ".join(options[:-1]) + t("timeline.or", lang) + options[-1] \
            if len(options) > 1 else options[0]
        parts.append(t("timeline.can_do", lang, options=listed))
    if timeline.beyond_plan:
        parts.append(t("timeline.beyond_plan", lang))
    return " ".join(parts)


def remedy_only(timeline: Timeline) -> bool:
    """A chair's decision is offered although no lateness could be measured (no plan)."""
    return CHAIR_DECISION in timeline.remedies
