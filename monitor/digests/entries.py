"""How one entry of a digest reads: its dates, why it is there, its decision steps and
what the funder said before. Mixed into the digest builder (:mod:`monitor.digests.build`),
which chooses the entries; the reminders use the same entries.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable, Sequence
from zoneinfo import ZoneInfo

from monitor.config.settings import Config
from monitor.decisions.decide_by import (DecideBy, Timeline, decide_by_for_row, decision_timeline,
                                         format_decide_by)
from monitor.decisions.earlier import earlier_for_row
from monitor.decisions.meetings import Meetings
from monitor.decisions.timeline_text import late_line, timeline_lines
from monitor.digests.decision_steps import next_round_after
from monitor.digests.entry_facts import (amount_text, deadline_lines, plain_why, regions_text,
                                         summary_opening, who_may_apply)
from monitor.digests.model import DigestEntry
from monitor.digests.subscriptions import ALL, Subscription
from monitor.mail.message import display_day, long_date, safe_href
from monitor.model import CALL, CLOSED, from_iso
from monitor.store.database import Store
from monitor.store.rows import StoredItem
from monitor.text.i18n import add_messages, t
from monitor.text.when import prose_dates_in

__all__ = ["EntryWriter"]

add_messages({
    "digest_why_tagged": {"sv": "taggad till {name}", "en": "tagged to {name}"},
    "digest_change_deadlines": {"sv": "Sista dag", "en": "Deadline"},
    "digest_change_opens": {"sv": "Öppnar", "en": "Opens"},
    "digest_change_status": {"sv": "Status", "en": "Status"},
    "digest_none_value": {"sv": "ingen", "en": "none"},
    "digest_invited": {"sv": "{name} är remissinstans – svar senast {deadline}",
                       "en": "{name} is asked to respond – reply by {deadline}"},
    "digest_invited_undated": {"sv": "{name} är remissinstans", "en": "{name} is asked to respond"},
    "digest_the_municipality": {"sv": "Kommunen", "en": "The municipality"},
})


def _unless_in(text: str, shown: str) -> str:
    """``text``, unless ``shown`` already says it (a sentence of the summary's opening)."""
    return "" if text and text.rstrip(".") in shown else text


class EntryWriter:
    """Writes a digest's entries for one subscription (the builder sets these fields)."""

    config: Config
    store: Store
    sub: Subscription
    until: datetime
    lang: str
    tz: ZoneInfo
    committees: dict[str, Any]
    names: dict[str, str]
    priority_names: dict[str, str]
    meetings: Meetings
    decided: list[Any]
    #: plans, steps and timeline texts by _plan_key: the digest's own, or ``shared``
    _plans: dict[tuple[Any, ...], Any]
    shared: dict[Any, Any] | None  # the store's snapshot_memo() when the digest began

    def tag_reasons(self, row: StoredItem, committee: str | Iterable[str]) -> list[str]:
        """Why the row is here, in plain words (monitor.digests.entry_facts.plain_why)."""
        wanted = [committee] if isinstance(committee, str) else list(committee)
        text = plain_why(row, wanted, self.lang, committee_names=self.names,
                         priority_names=self.priority_names)
        return [text] if text else [t("digest_why_tagged", self.lang, name=", ".join(
            self.names.get(c, c) for c in wanted))]

    def entry(self, row: StoredItem, why: list[str], changes: Sequence[dict] = ()) -> DigestEntry:
        timeline, late, decide_text = self.timeline(row)
        return DigestEntry(**self.facts(row), why=list(why),
                           changes=[self.describe(c) for c in changes], decide_by=decide_text,
                           timeline=timeline, late=late)

    def facts(self, row: StoredItem) -> dict[str, Any]:
        """The entry's fields that depend on the item, the language and the moment only (not
        on the subscription): made once per item in a run of digests over one snapshot of
        the store (``shared``: :meth:`Store.snapshot_memo`), each entry getting its own
        lists."""
        memo = self.shared
        key = ("digest entry facts", id(self.config), row.id, self.lang, self.until, self.tz)
        found = memo.get(key) if memo is not None else None
        if found is None:
            found = self._facts(row)
            if memo is not None:
                memo[key] = found
        return {k: list(v) if isinstance(v, list) else v for k, v in found.items()}

    def _facts(self, row: StoredItem) -> dict[str, Any]:
        deadline = from_iso(row.deadline)
        status = row.status
        summary = summary_opening(row)
        return dict(
            item_id=row.id, title=prose_dates_in(row.title, self.lang),
            url=row.url or "",
            href=safe_href(row.url), kind=row.kind, source=row.source,
            programme=row.programme or "",
            status=t(f"status_{status}", self.lang) if status in ("open", "forthcoming",
                                                                   "closed") else "",
            opens=long_date(row.opens, self.tz, self.lang),
            deadline=long_date(row.deadline, self.tz, self.lang),
            deadline_iso=row.deadline,
            days_left=((display_day(deadline, self.tz) - self.until.astimezone(self.tz).date())
                       .days if deadline else None),
            also=[f"{link['source']}: {link['url']}" for link in row.links[1:]],
            summary=summary, deadlines=deadline_lines(row, self.tz, self.lang, self.until),
            amount=amount_text(row, self.lang), who=_unless_in(who_may_apply(row), summary),
            region=regions_text(row),
            committees=[self.committees[c].display_name(self.lang)
                        for c in row.committees if c in self.committees],
            invited=self.invited(row),
            earlier=earlier_for_row(self.store, row, self.lang, self.tz, self.until,
                                    decided=self.decided)
            if row.kind == CALL else [])

    def invited(self, row: StoredItem) -> str:
        """The line saying the municipality is a remissinstans, for a remiss that lists it."""
        if not row.extra.get("invited"):
            return ""
        # an empty [municipality] name: the municipality, never another one's name
        name = (self.config.settings.section("municipality").get("name")
                or t("digest_the_municipality", self.lang))
        deadline = long_date(row.deadline, self.tz, self.lang)
        key = "digest_invited" if deadline else "digest_invited_undated"
        return t(key, self.lang, name=name, deadline=deadline)

    def timeline(self, row: StoredItem) -> tuple[list[str], str, str]:
        """An open call's decision steps, what is late, and the one-line decide-by
        (monitor.decisions.decide_by): for the subscription's committee, or (the ``all`` overview) the
        call's first committee tag."""
        if row.kind != CALL or row.status == CLOSED:
            return [], "", ""
        plan = self.plan(row)
        # too late: the text names the call's next round, if any
        later = tuple(self.later_rounds(row)) if plan is not None and plan.too_late else ()
        # the same deadlines, owner and next round read the same, in every digest of a run
        key = ("digest timeline", self._plan_key(row), later, self.lang, self.tz)
        if key not in self._plans:
            self._plans[key] = self._timeline_text(plan, later)
        lines, late, decide = self._plans[key]
        return list(lines), late, decide

    def _timeline_text(self, plan: DecideBy | None, later: Sequence[datetime],
                       ) -> tuple[list[str], str, str]:
        line = decision_timeline(plan, self.meetings, self.until, later_rounds=later)
        name = self.names.get(plan.committee or "") if plan else None
        return (timeline_lines(line, self.lang, self.names, self.tz),
                late_line(line, self.lang, self.names, self.tz, board=self.meetings.board),
                format_decide_by(plan, self.lang, committee_name=name, tz=self.tz))

    def _plan_key(self, row: StoredItem) -> tuple[Any, ...]:
        """What a plan depends on: the configuration (meetings), the moment, the call's
        deadlines and its owner (last)."""
        owner = self.sub.committee if self.sub.committee != ALL else None
        return ("plan", id(self.config), self.until, row.kind, row.deadlines,
                owner or next(iter(row.committees), None))

    def plan(self, row: StoredItem) -> DecideBy | None:
        """The call's decide-by (monitor.decisions.decide_by) for the subscription's committee,
        or (the overview) its first committee tag: one per deadlines and owner in a digest
        (in every digest of a run: ``shared``), for the decision steps and the entries."""
        key = self._plan_key(row)
        if key not in self._plans:
            self._plans[key] = decide_by_for_row(row, self.meetings, committee=key[-1],
                                                 now=self.until)
        return self._plans[key]

    def steps(self, row: StoredItem) -> Timeline | None:
        """The dated decision steps of :meth:`plan` (no next round): what the decision steps
        read, once per deadlines and owner."""
        key = ("steps", *self._plan_key(row))
        if key not in self._plans:
            self._plans[key] = decision_timeline(self.plan(row), self.meetings, self.until)
        return self._plans[key]

    def later_rounds(self, row: StoredItem) -> list[datetime]:
        """The next deadline of another round of the same call (monitor.digests.decision_steps)."""
        return next_round_after(self.store, row, self.until)

    def describe(self, change: dict[str, Any]) -> str:
        """``Sista dag: 15 januari 2027 → 1 februari 2027`` (only the dates that differ)."""
        old, new = change["old"], change["new"]
        if change["field"] == "deadlines":
            before, after = set(json.loads(old or "[]")), set(json.loads(new or "[]"))
            old_text = self.dates(sorted(before - after))
            new_text = self.dates(sorted(after - before))
        elif change["field"] == "opens":
            old_text, new_text = self.dates([old] if old else []), self.dates([new] if new else [])
        else:
            old_text = t(f"status_{old}", self.lang) if old else t("digest_none_value", self.lang)
            new_text = t(f"status_{new}", self.lang) if new else t("digest_none_value", self.lang)
        return f"{t('digest_change_' + change['field'], self.lang)}: {old_text} → {new_text}"

    def dates(self, values: list[str]) -> str:
        return ", ".join(long_date(v, self.tz, self.lang) for v in values) or t(
            "digest_none_value", self.lang)
