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

from datetime import datetime, timedelta
from typing import Any, Iterable

from monitor.config.committees import committees, priorities
from monitor.config.settings import Config
from monitor.decisions.activities import unreported_visits
from monitor.decisions.earlier import decided_applications
from monitor.decisions.meetings import meetings
from monitor.decisions.progress import progress_lines
from monitor.digests.decision_steps import (decision_horizon, due_step_text, due_steps,
                                            meeting_note, open_calls)
from monitor.digests.entries import EntryWriter
from monitor.digests.model import (SECTIONS, Digest, DigestEntry, DigestGroup, DigestSection,
                                   Period, count_phrase)
from monitor.digests.subscriptions import ALL, Subscription, digest_settings
from monitor.model import CALL, CLOSED, LEGISLATION, OPEN, from_iso
from monitor.pipeline.health import source_problems
from monitor.store.database import Store
from monitor.store.rows import ItemQuery, StoredItem
from monitor.text.i18n import add_messages, t
from monitor.text.when import prose_dates_in

__all__ = ["Period", "Digest", "DigestGroup", "DigestSection", "DigestEntry", "Subscription",
           "build_digest", "reminder_builder", "count_phrase", "SECTIONS", "CATCH_UP_DAYS"]

#: the first digests list in full what was published or opened this recently (the default
#: of ``[digest] catch_up_days``)
CATCH_UP_DAYS = 14
#: "Att besluta de närmaste veckorna" looks this far ahead
DECISION_DAYS = 28

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
    "digest_why_unassigned": {"sv": "ingen nämnd matchade; källan anger utlysningen som {status}",
                       "en": "no committee matched; the source lists the call as {status}"},
    "digest_source_problems": {"sv": "Källor som inte fungerar", "en": "Sources not working"},
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


def _in_window(stamp: str | None, since: datetime, until: datetime) -> bool:
    when = from_iso(stamp)
    return when is not None and since < when <= until


class _Builder(EntryWriter):
    """Builds one digest: chooses its entries (the entries themselves:
    :class:`~monitor.digests.entries.EntryWriter`); holds what every section needs (clock,
    language, change log)."""

    def __init__(self, config: Config, store: Store, sub: Subscription, period: Period,
                 since: datetime, until: datetime) -> None:
        self.config, self.store, self.sub = config, store, sub
        self.since, self.until, self.period = since, until, period
        self.lang, self.tz = sub.lang, config.settings.tz
        self.closing_days = digest_settings(config).closing_days
        self.catch_up_days = digest_settings(config).catch_up_days
        self.changes = store.changes_between(since, until)
        self.committees = committees(config)
        self.priorities = priorities(config)
        self.meetings = meetings(config, store)
        self.names = {c: com.display_name(self.lang) for c, com in self.committees.items()}
        self.priority_names = {p: pri.display_name(self.lang)
                               for p, pri in self.priorities.items()}
        self.catch_up, self.older = False, 0
        self.topic_of: dict[str, str] = {}  # a followed open call found by its topic
        self.shared = store.snapshot_memo()  # entry facts and plans shared by a run's digests
        self._plans = self.shared if self.shared is not None else {}  # EntryWriter.plan
        #: the overview shows this many entries per section (None: a committee's, all)
        self.cap: int | None = None
        #: the committee(s) whose tags say why a row is here: written only for the entries
        #: made (a row may fit no section; the overview shows few)
        self.tagged_for: dict[str, str | tuple[str, ...]] = {}
        self.decided = decided_applications(store)

    def is_older(self, row: StoredItem) -> bool:
        """Catch-up: neither published nor opened in the last :data:`CATCH_UP_DAYS` days, and
        not closing soon (a call that closes soon is always shown)."""
        start = self.until - timedelta(days=self.catch_up_days)
        if any(when and when > start for when in (from_iso(row.published),
                                                  from_iso(row.opens))):
            return False
        deadline = from_iso(row.deadline)
        return not (deadline and self.until < deadline
                    <= self.until + timedelta(days=self.closing_days))

    def drop_older(self, chosen: dict[str, tuple[StoredItem, list[str]]]) -> int:
        """Remove the catch-up's older new rows from ``chosen``; how many there were."""
        older = [key for key, (row, _) in chosen.items()
                 if _in_window(row.first_seen, self.since, self.until) and self.is_older(row)]
        for key in older:
            del chosen[key]
        return len(older)

    def followed_open_calls(self, days: int | None = None) -> list[StoredItem]:
        """Light items of the open calls this subscription follows, closing within ``days``
        (:data:`monitor.digests.decision_steps.CALLS_AHEAD_DAYS`); those found by a topic
        are in ``topic_of``."""
        sources = list(self.sub.sources)
        ahead: dict[str, Any] = {"sources": sources} if days is None else {
            "sources": sources, "days": days}
        if self.sub.committee == ALL:
            return open_calls(self.store, self.until, **ahead)
        rows = [r for r in open_calls(self.store, self.until, committee=self.sub.committee,
                                      **ahead)
                if not self.sub.priorities or set(r.priorities) & set(self.sub.priorities)]
        seen = {r.id for r in rows}
        for topic in self.sub.topics:
            found = {r.id for r in self.store.query_items(ItemQuery(
                search=topic, kind=CALL, statuses=(OPEN,), sources=sources), now=self.until)}
            for row in open_calls(self.store, self.until, ids=found - seen, **ahead):
                seen.add(row.id)
                self.topic_of[row.id] = topic
                rows.append(row)
        return rows

    def decisions(self) -> list[str]:
        """Hand-in days of the next :data:`DECISION_DAYS` days for the open calls followed."""
        horizon = decision_horizon(self.meetings, self.until, DECISION_DAYS)
        if not horizon:
            return []
        due = due_steps(self.followed_open_calls(horizon), self.meetings, self.until,
                        within_days=DECISION_DAYS,
                        committee=None if self.sub.committee == ALL else self.sub.committee,
                        timelines=self.steps)
        return [due_step_text(d, self.lang, self.names, self.tz,
                              title=prose_dates_in(d.row.title, self.lang)) for d in due]

    def entries_for(self, rows: Iterable[StoredItem]) -> dict[str, DigestEntry]:
        """Full entries of these (light) items, with the subscription's reasons."""
        wanted = [light.id for light in rows]
        full = self.store.items_by_id(wanted)
        out = {}
        for ident in wanted:
            row = full.get(ident)
            if row is None:
                continue
            topic = self.topic_of.get(ident)
            why = [t("digest_why_topic", self.lang, topic=topic)] if topic \
                else self.tag_reasons(row, self.sub.committee)
            out[row.id] = self.entry(row, why)
        return out

    def follow(self, committee: str | None, topics: Iterable[str], *,
               reported_only: bool = True, **filters: Any,
               ) -> dict[str, tuple[StoredItem, list[str]]]:
        """Rows the subscription follows for ``committee`` (and ``topics``), with reasons.

        ``reported_only``: only rows a section can take (new, changed or closing in the
        window), so a digest reads what it may report, not every item it follows.
        ``filters`` are fields of the :class:`~monitor.store.rows.ItemQuery`.
        """
        chosen: dict[str, tuple[StoredItem, list[str]]] = {}
        sources = tuple(self.sub.sources)
        narrow: dict[str, Any] = dict(
            touched=(self.since, self.until),
            closing_until=self.until + timedelta(days=self.closing_days)) if reported_only else {}
        narrow.update(filters)
        if committee is not None:
            for row in self.store.query_items(ItemQuery(committee=committee, sources=sources,
                                                        **narrow), now=self.until):
                if self.sub.priorities and not set(row.priorities) & set(self.sub.priorities):
                    continue
                chosen[row.id] = (row, [])
                self.tagged_for[row.id] = committee
        for topic in topics:
            # a call the municipality cannot apply for is never mailed (monitor.store.eligibility)
            for row in self.store.query_items(ItemQuery(search=topic, sources=sources,
                                                        eligible_only=True, **narrow),
                                              now=self.until):
                reason = t("digest_why_topic", self.lang, topic=topic)
                chosen.setdefault(row.id, (row, []))[1].append(reason)
        return chosen

    def sections(self, chosen: dict[str, tuple[StoredItem, list[str]]]) -> list[DigestSection]:
        new, closing, changed, legislation = [], [], [], []
        horizon = self.until + timedelta(days=self.closing_days)
        for row, why in chosen.values():
            is_new = _in_window(row.first_seen, self.since, self.until)
            deadline = from_iso(row.deadline)
            if (row.kind == LEGISLATION and deadline is not None
                    and self.until < deadline <= horizon):  # a remiss or consultation to answer
                closing.append((row, why))
            elif row.kind == LEGISLATION and is_new:
                legislation.append((row, why))
            elif row.kind == CALL and is_new and row.status != CLOSED:
                new.append((row, why))
            elif row.id in self.changes and not is_new:
                changed.append((row, why, self.changes[row.id]))
            elif (row.kind == CALL and row.status == OPEN and deadline is not None
                  and self.until < deadline <= horizon):
                closing.append((row, why))
        return [s for s in (
            self.section("new_calls", new), self.section("closing", closing),
            self.section("changed", changed), self.section("legislation", legislation))
            if s.total]

    def section(self, key: str, chosen: list[tuple[Any, ...]]) -> DigestSection:
        """The section of these (row, why[, changes]), sorted as the entries are: remisser
        the municipality must answer first, then by deadline and title. Under a ``cap``
        (the overview) only the entries shown are formatted; the rest are counted."""
        keyed = sorted(chosen, key=lambda c: (not self.invited(c[0]), c[0].deadline is None,
                                              c[0].deadline or "",
                                              prose_dates_in(c[0].title, self.lang)))
        shown = keyed if self.cap is None else keyed[:self.cap]
        heading = t(f"digest_section_{key}", self.lang, days=self.closing_days)
        entries = [self.entry(row, self.tag_reasons(row, self.tagged_for[row.id]) + why
                              if row.id in self.tagged_for else why, *changes)
                   for row, why, *changes in shown]
        return DigestSection(key=key, heading=heading, entries=entries, cap=self.cap,
                             hidden=[c[0].id for c in keyed[len(shown):]])

    def unassigned(self) -> list[tuple[StoredItem, list[str]]]:
        """New calls still open or forthcoming that no committee got, so none goes unseen."""
        found = []
        for row in self.store.query_items(ItemQuery(
                kind=CALL, include_closed=False, sources=tuple(self.sub.sources),
                touched=(self.since, self.until), eligible_only=True), now=self.until):
            if row.committees or not _in_window(row.first_seen, self.since, self.until):
                continue
            if self.catch_up and self.is_older(row):
                self.older += 1
                continue
            status = t(f"status_{row.status}", self.lang) if row.status else "?"
            found.append((row, [t("digest_why_unassigned", self.lang, status=status)]))
        return found


def build_digest(config: Config, store: Store, sub: Subscription, period: Period, *,
                 since: datetime, until: datetime, catch_up: bool = False) -> Digest:
    """The digest of ``sub`` for ``period`` over the window ``(since, until]``.

    ``catch_up`` (a subscription's first digest): of the new items only those published or
    opened in the last :data:`CATCH_UP_DAYS` days are listed; the rest are counted in
    ``Digest.older``.
    """
    builder = _Builder(config, store, sub, period, since, until)
    builder.catch_up = catch_up and builder.catch_up_days > 0
    if sub.committee == ALL:
        builder.cap = digest_settings(config)["overview_cap"]
    lang = sub.lang
    if sub.committee != ALL:
        audience = builder.committees[sub.committee].display_name(lang)
        chosen = builder.follow(sub.committee, sub.topics)
    else:  # the overview: each item once, with all its committees and reasons
        audience = t("digest_all", lang)
        chosen = {}
        for ident in builder.committees:
            for key, (row, _) in builder.follow(ident, ()).items():
                chosen.setdefault(key, (row, []))
        # why each is here: all its committees' tags
        builder.tagged_for = {key: row.committees for key, (row, _) in chosen.items()}
        for key, (row, why) in builder.follow(None, sub.topics).items():
            chosen.setdefault(key, (row, []))[1].extend(why)
    older = builder.drop_older(chosen) if builder.catch_up else 0
    sections = builder.sections(chosen)
    if sub.committee == ALL:
        sections.append(builder.section("unassigned", builder.unassigned()))
        older += builder.older
        for section in sections:
            section.see = t("digest_see_legislation" if section.key == "legislation"
                            else "digest_see_calls", lang)
    decisions = builder.decisions()
    if sub.committee == ALL and len(decisions) > digest_settings(config)["overview_cap"]:
        cap = digest_settings(config)["overview_cap"]
        decisions = decisions[:cap] + [t("digest_more", lang, n=len(decisions) - cap,
                                         see=t("digest_see_calls", lang))]
    groups = [DigestGroup(None, [s for s in sections if s.total])]
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
