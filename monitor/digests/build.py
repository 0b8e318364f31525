"""Digests: what one subscription is told for one period, built from the store.

A digest has four sections, each sorted by deadline: new calls, calls closing within
``[digest] closing_days`` (30), items whose deadline, opening date or status changed, and new
legislation and consultations. "New" and "changed" are measured over the digest's window
``(since, until]``: from the end of this subscription's previous digest up to the moment the
digest is built (see :mod:`monitor.digests.dispatch`), so an item is reported once however the
digests fall. The ``all`` subscription groups everything by committee and adds the open calls
no committee got.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Iterable

from monitor.decisions.activities import unreported_visits
from monitor.config.committees import committees, priorities
from monitor.config.settings import Config
from monitor.decisions.decide_by import decide_by_for_row, decision_timeline, format_decide_by
from monitor.digests.decision_steps import (decision_horizon, due_step_text, due_steps, meeting_note,
                             next_round_after, open_calls)
from monitor.decisions.earlier import decided_applications, earlier_for_row
from monitor.digests.entry_facts import (amount_text, deadline_lines, plain_why, regions_text,
                          summary_opening, who_may_apply)
from monitor.pipeline.health import source_problems
from monitor.text.i18n import add_messages, t
from monitor.mail.message import display_day, long_date, safe_href
from monitor.decisions.timeline_text import late_line, timeline_lines
from monitor.text.when import prose_dates_in
from monitor.decisions.meetings import meetings
from monitor.model import CALL, CLOSED, LEGISLATION, OPEN, from_iso, to_iso
from monitor.digests.model import (SECTIONS, Digest, DigestEntry, DigestGroup, DigestSection, Period,
                           count_phrase)
from monitor.decisions.progress import progress_lines
from monitor.store.database import Store
from monitor.digests.subscriptions import ALL, Subscription, digest_settings

__all__ = ["Period", "Digest", "DigestGroup", "DigestSection", "DigestEntry", "Subscription",
           "build_digest", "reminder_builder", "count_phrase", "SECTIONS", "CATCH_UP_DAYS"]

#: the first digests list in full what was published or opened this recently (the default
#: of ``[digest] catch_up_days``)
CATCH_UP_DAYS = 14
#: "Att besluta de närmaste veckorna" looks this far ahead
DECISION_DAYS = 28
CHANGE_FIELDS = ("deadlines", "opens", "status")

add_messages({
    "digest_title": {"sv": "Omvärldsbevakning", "en": "Horizon scanning"},
    "digest_all": {"sv": "alla nämnder", "en": "all committees"},
    "digest_section_new_calls": {"sv": "Nya utlysningar", "en": "New calls"},
    "digest_section_closing": {"sv": "Stänger inom {days} dagar",
                               "en": "Closing within {days} days"},
    "digest_section_changed": {"sv": "Ändrade datum eller status", "en": "Changed dates or status"},
    "digest_section_legislation": {"sv": "Ny lagstiftning och nya remisser",
                            "en": "New legislation and consultations"},
    "digest_section_unassigned": {"sv": "Öppna utlysningar som ingen nämnd fick",
                           "en": "Open calls no committee got"},
    "digest_group_topics": {"sv": "Bevakade ämnen", "en": "Followed topics"},
    "digest_why_topic": {"sv": "matchar ämnet ”{topic}”", "en": "matches the topic “{topic}”"},
    "digest_why_tagged": {"sv": "taggad till {name}", "en": "tagged to {name}"},
    "digest_why_unassigned": {"sv": "ingen nämnd matchade; källan anger utlysningen som {status}",
                       "en": "no committee matched; the source lists the call as {status}"},
    "digest_change_deadlines": {"sv": "Sista dag", "en": "Deadline"},
    "digest_change_opens": {"sv": "Öppnar", "en": "Opens"},
    "digest_change_status": {"sv": "Status", "en": "Status"},
    "digest_none_value": {"sv": "ingen", "en": "none"},
    "digest_source_problems": {"sv": "Källor som inte fungerar", "en": "Sources not working"},
    "digest_invited": {"sv": "{name} är remissinstans – svar senast {deadline}",
                       "en": "{name} is asked to respond – reply by {deadline}"},
    "digest_invited_undated": {"sv": "{name} är remissinstans", "en": "{name} is asked to respond"},
    "digest_see_calls": {"sv": "se alla med `monitor calls`", "en": "see all with `monitor calls`"},
    "digest_see_legislation": {"sv": "se alla med `monitor legislation`",
                               "en": "see all with `monitor legislation`"},
    "digest_more": {"sv": "… och {n} till ({see}).", "en": "… and {n} more ({see})."},
    "digest_older": {
        "sv": "Första utskicket: här visas det som publicerats eller öppnat de senaste {days} "
              "dagarna. {n} tidigare publicerade poster finns också – se dem med "
              "`monitor calls` och `monitor legislation`.",
        "en": "First digest: it shows what was published or opened in the last {days} days. "
              "{n} items published earlier are also there – see them with `monitor calls` and "
              "`monitor legislation`."},
})


def _unless_in(text: str, shown: str) -> str:
    """``text``, unless ``shown`` already says it (a sentence of the summary's opening)."""
    return "" if text and text.rstrip(".") in shown else text


def _in_window(stamp: str | None, since: datetime, until: datetime) -> bool:
    when = from_iso(stamp)
    return when is not None and since < when <= until


def _changes(store: Store, since: datetime, until: datetime) -> dict[str, list[dict[str, Any]]]:
    """History rows of the tracked date/status fields in the window, by item."""
    out: dict[str, list[dict[str, Any]]] = {}
    marks = ", ".join(f"'{f}'" for f in CHANGE_FIELDS)
    # ISO stamps in UTC compare as text: the index on changed_at finds the window's rows.
    for row in store.db.query(
            f"SELECT item_id, field, old, new, changed_at FROM item_history WHERE field IN"
            f" ({marks}) AND changed_at > ? AND changed_at <= ? ORDER BY id",
            [to_iso(since), to_iso(until)]):
        if _in_window(row["changed_at"], since, until):
            out.setdefault(row["item_id"], []).append(row)
    return out


class _Builder:
    """Builds one digest; holds what every section needs (clock, language, change log)."""

    def __init__(self, config: Config, store: Store, sub: Subscription, period: Period,
                 since: datetime, until: datetime) -> None:
        self.config, self.store, self.sub = config, store, sub
        self.since, self.until, self.period = since, until, period
        self.lang, self.tz = sub.lang, config.settings.tz
        self.closing_days = digest_settings(config).closing_days
        self.catch_up_days = digest_settings(config).catch_up_days
        self.changes = _changes(store, since, until)
        self.committees = committees(config)
        self.priorities = priorities(config)
        self.meetings = meetings(config, store)
        self.names = {c: com.display_name(self.lang) for c, com in self.committees.items()}
        self.priority_names = {p: pri.display_name(self.lang)
                               for p, pri in self.priorities.items()}
        self.catch_up, self.older = False, 0
        self.decided = decided_applications(store)

    def is_older(self, row: dict) -> bool:
        """Catch-up: neither published nor opened in the last :data:`CATCH_UP_DAYS` days, and
        not closing soon (a call that closes soon is always shown)."""
        start = self.until - timedelta(days=self.catch_up_days)
        if any(when and when > start for when in (from_iso(row.get("published")),
                                                  from_iso(row.get("opens")))):
            return False
        deadline = from_iso(row["deadline"])
        return not (deadline and self.until < deadline
                    <= self.until + timedelta(days=self.closing_days))

    def drop_older(self, chosen: dict[str, tuple[dict, list[str]]]) -> int:
        """Remove the catch-up's older new rows from ``chosen``; how many there were."""
        older = [key for key, (row, _) in chosen.items()
                 if _in_window(row["first_seen"], self.since, self.until) and self.is_older(row)]
        for key in older:
            del chosen[key]
        return len(older)

    def followed_open_calls(self, days: int | None = None) -> list[dict]:
        """Light rows of the open calls this subscription follows, closing within ``days``
        (:data:`monitor.digests.decision_steps.CALLS_AHEAD_DAYS`); a topic's rows carry ``topic``."""
        sources = list(self.sub.sources)
        ahead: dict[str, Any] = {"sources": sources} if days is None else {
            "sources": sources, "days": days}
        if self.sub.committee == ALL:
            return open_calls(self.store, self.until, **ahead)
        rows = [r for r in open_calls(self.store, self.until, committee=self.sub.committee,
                                      **ahead)
                if not self.sub.priorities or set(r["priorities"]) & set(self.sub.priorities)]
        seen = {r["id"] for r in rows}
        for topic in self.sub.topics:
            found = {r["id"] for r in self.store.query_items(
                search=topic, kind=CALL, statuses=(OPEN,), sources=sources, now=self.until)}
            for row in open_calls(self.store, self.until, ids=found - seen, **ahead):
                seen.add(row["id"])
                rows.append(dict(row, topic=topic))
        return rows

    def decisions(self) -> list[str]:
        """Hand-in days of the next :data:`DECISION_DAYS` days for the open calls followed."""
        horizon = decision_horizon(self.meetings, self.until, DECISION_DAYS)
        if not horizon:
            return []
        due = due_steps(self.followed_open_calls(horizon), self.meetings, self.until,
                        within_days=DECISION_DAYS,
                        committee=None if self.sub.committee == ALL else self.sub.committee)
        return [due_step_text(d, self.lang, self.names, self.tz,
                              title=prose_dates_in(d.row["title"], self.lang)) for d in due]

    def entries_for(self, rows: Iterable[dict]) -> dict[str, DigestEntry]:
        """Full entries of these (light) rows, with the subscription's reasons."""
        out = {}
        for light in rows:
            row = self.store.get_item(light["id"])
            if row is None:
                continue
            why = [t("digest_why_topic", self.lang, topic=light["topic"])] \
                if light.get("topic") else self.tag_reasons(row, self.sub.committee)
            out[row["id"]] = self.entry(row, why)
        return out

    def follow(self, committee: str | None, topics: Iterable[str], *,
               reported_only: bool = True, **filters: Any) -> dict[str, tuple[dict, list[str]]]:
        """Rows the subscription follows for ``committee`` (and ``topics``), with reasons.

        ``reported_only``: only rows a section can take (new, changed or closing in the
        window), so a digest reads what it may report, not every item it follows.
        ``filters`` go to ``Store.query_items`` as they are.
        """
        chosen: dict[str, tuple[dict, list[str]]] = {}
        sources = list(self.sub.sources)
        narrow: dict[str, Any] = dict(
            touched=(self.since, self.until),
            closing_until=self.until + timedelta(days=self.closing_days)) if reported_only else {}
        narrow.update(filters)
        if committee is not None:
            for row in self.store.query_items(committee=committee, sources=sources,
                                              now=self.until, **narrow):
                if self.sub.priorities and not set(row["priorities"]) & set(self.sub.priorities):
                    continue
                chosen[row["id"]] = (row, self.tag_reasons(row, committee))
        for topic in topics:
            # a call the municipality cannot apply for is never mailed (monitor.store.eligibility)
            for row in self.store.query_items(search=topic, sources=sources, now=self.until,
                                              eligible_only=True, **narrow):
                reason = t("digest_why_topic", self.lang, topic=topic)
                chosen.setdefault(row["id"], (row, []))[1].append(reason)
        return chosen

    def tag_reasons(self, row: dict, committee: str | Iterable[str]) -> list[str]:
        """Why the row is here, in plain words (monitor.digests.entry_facts.plain_why)."""
        wanted = [committee] if isinstance(committee, str) else list(committee)
        text = plain_why(row, wanted, self.lang, committee_names=self.names,
                         priority_names=self.priority_names)
        return [text] if text else [t("digest_why_tagged", self.lang, name=", ".join(
            self.names.get(c, c) for c in wanted))]

    def sections(self, chosen: dict[str, tuple[dict, list[str]]]) -> list[DigestSection]:
        new, closing, changed, legislation = [], [], [], []
        horizon = self.until + timedelta(days=self.closing_days)
        for row, why in chosen.values():
            is_new = _in_window(row["first_seen"], self.since, self.until)
            deadline = from_iso(row["deadline"])
            if (row["kind"] == LEGISLATION and deadline is not None
                    and self.until < deadline <= horizon):  # a remiss or consultation to answer
                closing.append(self.entry(row, why))
            elif row["kind"] == LEGISLATION and is_new:
                legislation.append(self.entry(row, why))
            elif row["kind"] == CALL and is_new and row["status"] != CLOSED:
                new.append(self.entry(row, why))
            elif row["id"] in self.changes and not is_new:
                changed.append(self.entry(row, why, self.changes[row["id"]]))
            elif (row["kind"] == CALL and row["status"] == OPEN and deadline is not None
                  and self.until < deadline <= horizon):
                closing.append(self.entry(row, why))
        return [s for s in (
            self.section("new_calls", new), self.section("closing", closing),
            self.section("changed", changed), self.section("legislation", legislation))
            if s.entries]

    def section(self, key: str, entries: list[DigestEntry]) -> DigestSection:
        entries.sort(key=lambda e: (not e.invited, e.deadline_iso is None, e.deadline_iso or "",
                                    e.title))  # remisser the municipality must answer first
        heading = t(f"digest_section_{key}", self.lang, days=self.closing_days)
        return DigestSection(key=key, heading=heading, entries=entries)

    def entry(self, row: dict, why: list[str], changes: list[dict] = ()) -> DigestEntry:
        deadline = from_iso(row["deadline"])
        status = row["status"]
        timeline, late, decide_text = self.timeline(row)
        summary = summary_opening(row)
        return DigestEntry(
            item_id=row["id"], title=prose_dates_in(row["title"], self.lang),
            url=row["url"] or "",
            href=safe_href(row["url"]), kind=row["kind"], source=row["source"],
            programme=row["programme"] or "",
            status=t(f"status_{status}", self.lang) if status in ("open", "forthcoming",
                                                                   "closed") else "",
            opens=long_date(row["opens"], self.tz, self.lang),
            deadline=long_date(row["deadline"], self.tz, self.lang),
            deadline_iso=row["deadline"],
            days_left=((display_day(deadline, self.tz) - self.until.astimezone(self.tz).date())
                       .days if deadline else None),
            why=list(why), changes=[self.describe(c) for c in changes],
            also=[f"{link['source']}: {link['url']}" for link in row.get("links", [])[1:]],
            decide_by=decide_text, summary=summary,
            deadlines=deadline_lines(row, self.tz, self.lang, self.until),
            amount=amount_text(row, self.lang), who=_unless_in(who_may_apply(row), summary),
            region=regions_text(row), timeline=timeline, late=late,
            committees=[self.committees[c].display_name(self.lang)
                        for c in row["committees"] if c in self.committees],
            invited=self.invited(row),
            earlier=earlier_for_row(self.store, row, self.lang, self.tz, self.until,
                                    decided=self.decided)
            if row["kind"] == CALL else [])

    def invited(self, row: dict) -> str:
        """The line saying the municipality is a remissinstans, for a remiss that lists it."""
        if not (row.get("extra") or {}).get("invited"):
            return ""
        name = self.config.settings.section("municipality").get("name") or "Tyresö kommun"
        deadline = long_date(row["deadline"], self.tz, self.lang)
        key = "digest_invited" if deadline else "digest_invited_undated"
        return t(key, self.lang, name=name, deadline=deadline)

    def timeline(self, row: dict) -> tuple[list[str], str, str]:
        """An open call's decision steps, what is late, and the one-line decide-by
        (monitor.decisions.decide_by): for the subscription's committee, or (the ``all`` overview) the
        call's first committee tag."""
        if row["kind"] != CALL or row["status"] == CLOSED:
            return [], "", ""
        owner = self.sub.committee if self.sub.committee != ALL else None
        plan = decide_by_for_row(row, self.meetings, committee=owner, now=self.until)
        later = self.later_rounds(row) if plan is not None and plan.too_late else ()
        line = decision_timeline(plan, self.meetings, self.until, later_rounds=later)
        name = self.names.get(plan.committee or "") if plan else None
        return (timeline_lines(line, self.lang, self.names, self.tz),
                late_line(line, self.lang, self.names, self.tz, board=self.meetings.board),
                format_decide_by(plan, self.lang, committee_name=name, tz=self.tz))

    def later_rounds(self, row: dict) -> list[datetime]:
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

    def unassigned(self) -> list[DigestEntry]:
        """New calls still open or forthcoming that no committee got, so none goes unseen."""
        entries = []
        for row in self.store.query_items(kind=CALL, include_closed=False,
                                          sources=list(self.sub.sources), now=self.until,
                                          touched=(self.since, self.until),
                                          eligible_only=True):
            if row["committees"] or not _in_window(row["first_seen"], self.since, self.until):
                continue
            if self.catch_up and self.is_older(row):
                self.older += 1
                continue
            status = t(f"status_{row['status']}", self.lang) if row["status"] else "?"
            entries.append(self.entry(row, [t("digest_why_unassigned", self.lang, status=status)]))
        return entries


def build_digest(config: Config, store: Store, sub: Subscription, period: Period, *,
                 since: datetime, until: datetime, catch_up: bool = False) -> Digest:
    """The digest of ``sub`` for ``period`` over the window ``(since, until]``.

    ``catch_up`` (a subscription's first digest): of the new items only those published or
    opened in the last :data:`CATCH_UP_DAYS` days are listed; the rest are counted in
    ``Digest.older``.
    """
    builder = _Builder(config, store, sub, period, since, until)
    builder.catch_up = catch_up and builder.catch_up_days > 0
    lang = sub.lang
    if sub.committee != ALL:
        audience = builder.committees[sub.committee].display_name(lang)
        chosen = builder.follow(sub.committee, sub.topics)
    else:  # the overview: each item once, with all its committees and reasons
        audience = t("digest_all", lang)
        chosen = {}
        for ident in builder.committees:
            for key, (row, _) in builder.follow(ident, ()).items():
                chosen.setdefault(key, (row, builder.tag_reasons(row, row["committees"])))
        for key, (row, why) in builder.follow(None, sub.topics).items():
            chosen.setdefault(key, (row, []))[1].extend(why)
    older = builder.drop_older(chosen) if builder.catch_up else 0
    sections = builder.sections(chosen)
    if sub.committee == ALL:
        sections.append(builder.section("unassigned", builder.unassigned()))
        older += builder.older
        cap = digest_settings(config)["overview_cap"]
        for section in sections:
            section.cap = cap
            section.see = t("digest_see_legislation" if section.key == "legislation"
                            else "digest_see_calls", lang)
    decisions = builder.decisions()
    if sub.committee == ALL and len(decisions) > digest_settings(config)["overview_cap"]:
        cap = digest_settings(config)["overview_cap"]
        decisions = decisions[:cap] + [t("digest_more", lang, n=len(decisions) - cap,
                                         see=t("digest_see_calls", lang))]
    groups = [DigestGroup(None, [s for s in sections if s.entries])]
    groups = [g for g in groups if g.sections]
    applications = progress_lines(store, None if sub.committee == ALL else sub.committee, until,
                                  meetings=builder.meetings, lang=lang, tz=builder.tz)
    unreported = unreported_lines(store, builder.committees, lang) if sub.committee == ALL \
        else []
    problems = [f"{name}: {label} ({reason})" if reason else f"{name}: {label}"
                for name, label, reason in source_problems(store, lang)] \
        if sub.committee == ALL else []
    return Digest(subscription=sub, period=period, since=since, until=until, audience=audience,
                  groups=groups, applications=applications, decisions=decisions,
                  older=older, meeting_note=meeting_note(builder.meetings, until, lang,
                                                         builder.names),
                  unreported=unreported, source_problems=problems)


def unreported_lines(store: Store, known: dict, lang: str) -> list[str]:
    """The coordinator's reminder: each twinning visit not yet reported to KS, one line."""
    from monitor.text.longdates import period_text

    return [t("activity.unreported_line", lang, id=a.id, title=a.title,
              committee=known[a.committee].display_name(lang) if a.committee in known
              else a.committee, when=period_text(a.period_from, a.period_to, lang) or "–")
            for a in unreported_visits(store)]


def reminder_builder(config: Config, store: Store, sub: Subscription, now: datetime) -> _Builder:
    """What the reminders need for one subscription at ``now``: ``followed_open_calls()``,
    ``entries_for(rows)``, ``meetings`` and the committee ``names``."""
    period = Period.containing(now, sub.frequency, config.settings.tz)
    return _Builder(config, store, sub, period, now, now)
