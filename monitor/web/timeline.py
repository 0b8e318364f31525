"""The decision timeline of one call as the call page draws it: committee → KS → application.

The steps are :func:`monitor.decisions.decide_by.decision_timeline`'s (the same as the digest's), worded by
:mod:`monitor.decisions.timeline_text`; here they are grouped in three boxes, one per body, each with a
state relative to today: ``done`` (every day passed), ``next`` (the first box still to act
on), ``later``, or ``warning`` (a step the path needed has passed). What is late and what can
still be done is :func:`monitor.decisions.timeline_text.late_line`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from monitor.decisions.decide_by import (COMMITTEE_HANDIN, COMMITTEE_MEETING, DEADLINE, KS_HANDIN,
                                         KS_MEETING, Timeline)
from monitor.decisions.timeline_text import late_line, step_text
from monitor.text.i18n import add_messages, t

__all__ = ["timeline_boxes"]

add_messages({"web.tl_application": {"sv": "Ansökan", "en": "Application"}})

PHASES = (("committee", (COMMITTEE_HANDIN, COMMITTEE_MEETING)),
          ("ks", (KS_HANDIN, KS_MEETING)), ("application", (DEADLINE,)))


def timeline_boxes(timeline: Timeline | None, *, names: Mapping[str, str], board: str,
                   lang: str, tz: ZoneInfo, now: datetime) -> tuple[list[dict[str, Any]], str]:
    """The boxes to draw (``phase``, ``title``, ``lines``, ``state``) and the late line;
    ``([], "")`` without a timeline (no coming deadline or no meeting calendar)."""
    if timeline is None:
        return [], ""
    today = now.astimezone(tz).date()
    boxes = []
    for phase, kinds in PHASES:
        steps = [s for s in timeline.steps if s.kind in kinds]
        missed = (phase == "committee" and timeline.committee_missed) or \
            (phase == "ks" and timeline.too_late)
        if not steps and not (missed and (phase == "ks" or timeline.committee)):
            continue  # a box without days only to say that its step cannot be made
        title = {"committee": names.get(timeline.committee or "",
                                        (timeline.committee or "").upper()),
                 "ks": names.get(board, board.upper()),
                 "application": t("web.tl_application", lang)}[phase]
        lines = [{"day": s.day, "text": step_text(s, lang, names, tz)} for s in steps]
        missed = missed or any(s.missed for s in steps)
        boxes.append({"phase": phase, "title": title, "lines": lines,
                      "state": "warning" if missed else ""})
    marked = False
    for box in boxes:
        if box["state"]:
            continue
        if box["lines"] and all(line["day"] < today for line in box["lines"]):
            box["state"] = "done"
        elif not marked:
            box["state"], marked = "next", True
        else:
            box["state"] = "later"
    return boxes, late_line(timeline, lang, names, tz, board=board)
