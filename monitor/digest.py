"""Digests: what one subscription is told for one period, built from the store.

A digest has four sections, each sorted by deadline: new calls, calls closing within
``[digest] closing_days`` (30), items whose deadline, opening date or status changed, and new
legislation and consultations. "New" and "changed" are measured over the digest's window
``(since, until]``: from the end of this subscription's previous digest up to the moment the
digest is built (see :mod:`monitor.dispatch`), so an item is reported once however the
digests fall. The ``all`` subscription groups everything by committee and adds the open calls
no committee got.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from .activities import unreported_visits
from .committees import committees, priorities
from .config import Config
from .decide import decide_by_for_row, format_decide_by
from .earlier import decided_applications, earlier_for_row
from .i18n import MESSAGES, add_messages, t
from .mail import display_day, long_date, safe_href
from .meetings import meetings
from .model import CALL, CLOSED, LEGISLATION, OPEN, from_iso, to_iso
from .progress import ProgressLine, progress_lines
from .store import Store
from .subscriptions import ALL, Subscription, digest_settings

__all__ = ["Period", "Digest", "DigestGroup", "DigestSection", "DigestEntry", "Subscription",
           "build_digest", "SECTIONS"]

SECTIONS = ("new_calls", "closing", "changed", "legislation", "unassigned")
CHANGE_FIELDS = ("deadlines", "opens", "status")

add_messages({
    "digest_title": {"sv": "Omvärldsbevakning", "en": "Horizon scanning"},
    "digest_subject": {"sv": "Omvärldsbevakning {period}: {summary} för {audience}",
                       "en": "Horizon scanning {period}: {summary} for {audience}"},
    "digest_all": {"sv": "alla nämnder", "en": "all committees"},
    "digest_nothing": {"sv": "inget nytt", "en": "nothing new"},
    "digest_week": {"sv": "v.{week}", "en": "week {week}"},
    "digest_count_new_calls": {"sv": "{n} nya utlysningar", "en": "{n} new calls"},
    "digest_count_new_calls_one": {"sv": "1 ny utlysning", "en": "1 new call"},
    "digest_count_closing": {"sv": "{n} stänger snart", "en": "{n} closing soon"},
    "digest_count_changed": {"sv": "{n} ändrade", "en": "{n} changed"},
    "digest_count_changed_one": {"sv": "1 ändrad", "en": "1 changed"},
    "digest_count_legislation": {"sv": "{n} nya lagstiftningsärenden",
                                 "en": "{n} new legislation items"},
    "digest_count_legislation_one": {"sv": "1 nytt lagstiftningsärende",
                                     "en": "1 new legislation item"},
    "digest_count_unassigned": {"sv": "{n} utan nämnd", "en": "{n} without a committee"},
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
    "digest_invited": {"sv": "{name} är remissinstans – svar senast {deadline}",
                       "en": "{name} is asked to respond – reply by {deadline}"},
    "digest_invited_undated": {"sv": "{name} är remissinstans", "en": "{name} is asked to respond"},
})


def count_phrase(key: str, n: int, lang: str) -> str:
    """``1 ny utlysning`` / ``3 nya utlysningar``: the singular form where one is defined."""
    return t(f"{key}_one", lang) if n == 1 and f"{key}_one" in MESSAGES else t(key, lang, n=n)


@dataclass(frozen=True)
class Period:
    """An ISO week (``2026-W48``, weekly digests) or a date (``2026-11-22``, daily ones).

    ``start`` and ``end`` are local midnights in the configured time zone.
    """

    label: str
    frequency: str
    start: datetime
    end: datetime

    @classmethod
    def parse(cls, text: str, tz: ZoneInfo) -> "Period":
        """``2026-W48`` or ``2026-11-22``; ValueError with the expected forms otherwise."""
        week = re.fullmatch(r"(\d{4})-W(\d{1,2})", text.strip(), flags=re.I)
        try:
            if week:
                first = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
                return cls._make(first, 7, "weekly", tz)
            return cls._make(date.fromisoformat(text.strip()), 1, "daily", tz)
        except ValueError:
            raise ValueError(f"{text!r} is neither an ISO week like 2026-W48 "
                             f"nor a date like 2026-11-22") from None

    @classmethod
    def containing(cls, when: datetime, frequency: str, tz: ZoneInfo) -> "Period":
        """The week (weekly) or day (daily) that ``when`` falls in, locally."""
        day = when.astimezone(tz).date()
        if frequency == "weekly":
            return cls._make(day - timedelta(days=day.weekday()), 7, "weekly", tz)
        return cls._make(day, 1, "daily", tz)

    @classmethod
    def _make(cls, first: date, days: int, frequency: str, tz: ZoneInfo) -> "Period":
        start = datetime.combine(first, time(0), tzinfo=tz)
        end = datetime.combine(first + timedelta(days=days), time(0), tzinfo=tz)
        if frequency == "weekly":
            year, week, _ = first.isocalendar()
            label = f"{year}-W{week:02d}"
        else:
            label = first.isoformat()
        return cls(label=label, frequency=frequency, start=start, end=end)

    def title(self, lang: str) -> str:
        """``v.48`` / ``week 48``, or the day as ``22 november 2026``."""
        if self.frequency == "weekly":
            return t("digest_week", lang, week=int(self.label.split("W")[1]))
        return long_date(self.start, self.start.tzinfo, lang,  # type: ignore[arg-type]
                         with_time=False)


@dataclass
class DigestEntry:
    """One item as a digest shows it: dates already formatted, the reasons it was chosen."""

    item_id: str
    title: str
    url: str
    href: str | None
    kind: str
    source: str
    programme: str
    status: str
    opens: str
    deadline: str
    deadline_iso: str | None
    days_left: int | None
    why: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    #: the same call at other sources ("uhr: https://…"), see monitor.dedup
    also: list[str] = field(default_factory=list)
    decide_by: str = ""  # "Besluta senast: KS ..." for calls (monitor.decide)
    earlier: list[str] = field(default_factory=list)  # earlier decisions (monitor.earlier)
    #: "Tyresö kommun är remissinstans – svar senast …": the municipality is asked to answer
    invited: str = ""


@dataclass
class DigestSection:
    """One heading of a digest (``key`` in :data:`SECTIONS`) and its entries."""

    key: str
    heading: str
    entries: list[DigestEntry]


@dataclass
class DigestGroup:
    """A committee's part of the ``all`` digest; a committee digest has one, headed None."""

    heading: str | None
    sections: list[DigestSection]


@dataclass
class Digest:
    """What one subscription is told for one period, over the window ``(since, until]``."""

    subscription: Subscription
    period: Period
    since: datetime
    until: datetime
    audience: str
    groups: list[DigestGroup]
    applications: list[ProgressLine] = field(default_factory=list)  # open, next step first
    #: the overview only: twinning visits not yet reported to KS (monitor.activities)
    unreported: list[str] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.subscription.lang

    def counts(self) -> dict[str, int]:
        """Distinct items per section key (an item under two committees counts once)."""
        seen: dict[str, set[str]] = {}
        for group in self.groups:
            for section in group.sections:
                seen.setdefault(section.key, set()).update(e.item_id for e in section.entries)
        return {key: len(seen[key]) for key in SECTIONS if seen.get(key)}

    @property
    def is_empty(self) -> bool:
        return not self.counts()

    def summary(self, most: int | None = None) -> str:
        """``1 ny utlysning, 2 stänger snart, ...`` (the first ``most`` parts)."""
        parts = [count_phrase(f"digest_count_{key}", n, self.lang)
                 for key, n in self.counts().items()]
        return ", ".join(parts[:most]) if parts else t("digest_nothing", self.lang)

    def subject(self) -> str:
        """The first two counts only, so the subject fits a phone's list of mail."""
        return t("digest_subject", self.lang, period=self.period.title(self.lang),
                 summary=self.summary(2), audience=self.audience)


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
        self.closing_days = digest_settings(config)["closing_days"]
        self.changes = _changes(store, since, until)
        self.committees = committees(config)
        self.priorities = priorities(config)
        self.meetings = meetings(config)
        self.decided = decided_applications(store)

    def follow(self, committee: str | None, topics: Iterable[str], *,
               reported_only: bool = True) -> dict[str, tuple[dict, list[str]]]:
        """Rows the subscription follows for ``committee`` (and ``topics``), with reasons.

        ``reported_only``: only rows a section can take (new, changed or closing in the
        window), so a digest reads what it may report, not every item it follows.
        """
        chosen: dict[str, tuple[dict, list[str]]] = {}
        sources = list(self.sub.sources)
        narrow: dict[str, Any] = dict(
            touched=(self.since, self.until),
            closing_until=self.until + timedelta(days=self.closing_days)) if reported_only else {}
        if committee is not None:
            for row in self.store.query_items(committee=committee, sources=sources,
                                              now=self.until, **narrow):
                if self.sub.priorities and not set(row["priorities"]) & set(self.sub.priorities):
                    continue
                chosen[row["id"]] = (row, self.tag_reasons(row, committee))
        for topic in topics:
            # a call the municipality cannot apply for is never mailed (monitor.eligibility)
            for row in self.store.query_items(search=topic, sources=sources, now=self.until,
                                              eligible_only=True, **narrow):
                reason = t("digest_why_topic", self.lang, topic=topic)
                chosen.setdefault(row["id"], (row, []))[1].append(reason)
        return chosen

    def tag_reasons(self, row: dict, committee: str) -> list[str]:
        reasons = []
        for tag in row["tags"]:
            if tag["dimension"] == "committee" and tag["tag"] == committee:
                name = self.committees[committee].display_name(self.lang)
                reasons.append("; ".join(tag["evidence"])
                               or t("digest_why_tagged", self.lang, name=name))
            elif tag["dimension"] == "priority" and tag["tag"] in self.priorities:
                name = self.priorities[tag["tag"]].display_name(self.lang)
                reasons.append(f"{name}: " + "; ".join(tag["evidence"]) if tag["evidence"]
                               else t("digest_why_tagged", self.lang, name=name))
        return reasons

    def sections(self, chosen: dict[str, tuple[dict, list[str]]]) -> list[DigestSection]:
        new, closing, changed, legislation = [], [], [], []
        horizon = self.until + timedelta(days=self.closing_days)
        for row, why in chosen.values():
            is_new = _in_window(row["first_seen"], self.since, self.until)
            deadline = from_iso(row["deadline"])
            if row["kind"] == LEGISLATION and is_new:
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
        return DigestEntry(
            item_id=row["id"], title=row["title"], url=row["url"] or "",
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
            decide_by=self.decide_by(row), invited=self.invited(row),
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

    def decide_by(self, row: dict) -> str:
        """When KS must decide for an open call: for the subscription's committee, or (the
        ``all`` overview) the call's first committee tag."""
        if row["kind"] != CALL or row["status"] == CLOSED:
            return ""
        owner = self.sub.committee if self.sub.committee != ALL else None
        plan = decide_by_for_row(row, self.meetings, committee=owner, now=self.until)
        name = self.committees[plan.committee].display_name(self.lang) \
            if plan and plan.committee in self.committees else None
        return format_decide_by(plan, self.lang, committee_name=name, tz=self.tz)

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
            status = t(f"status_{row['status']}", self.lang) if row["status"] else "?"
            entries.append(self.entry(row, [t("digest_why_unassigned", self.lang, status=status)]))
        return entries


def build_digest(config: Config, store: Store, sub: Subscription, period: Period, *,
                 since: datetime, until: datetime) -> Digest:
    """The digest of ``sub`` for ``period`` over the window ``(since, until]``."""
    builder = _Builder(config, store, sub, period, since, until)
    lang = sub.lang
    if sub.committee != ALL:
        audience = builder.committees[sub.committee].display_name(lang)
        groups = [DigestGroup(None, builder.sections(builder.follow(sub.committee, sub.topics)))]
    else:
        audience = t("digest_all", lang)
        groups = [DigestGroup(com.display_name(lang), builder.sections(builder.follow(ident, ())))
                  for ident, com in builder.committees.items()]
        if sub.topics:
            groups.append(DigestGroup(t("digest_group_topics", lang),
                                      builder.sections(builder.follow(None, sub.topics))))
        groups.append(DigestGroup(t("digest_section_unassigned", lang),
                                  [builder.section("unassigned", builder.unassigned())]))
    groups = [g for g in groups if any(s.entries for s in g.sections)]
    applications = progress_lines(store, None if sub.committee == ALL else sub.committee, until,
                                  meetings=builder.meetings, lang=lang, tz=builder.tz)
    unreported = unreported_lines(store, builder.committees, lang) if sub.committee == ALL \
        else []
    return Digest(subscription=sub, period=period, since=since, until=until, audience=audience,
                  groups=groups, applications=applications, unreported=unreported)


def unreported_lines(store: Store, known: dict, lang: str) -> list[str]:
    """The coordinator's reminder: each twinning visit not yet reported to KS, one line."""
    from .longdates import period_text

    return [t("activity.unreported_line", lang, id=a.id, title=a.title,
              committee=known[a.committee].display_name(lang) if a.committee in known
              else a.committee, when=period_text(a.period_from, a.period_to, lang) or "–")
            for a in unreported_visits(store)]


def followed_calls(config: Config, store: Store, sub: Subscription,
                   now: datetime) -> list[tuple[dict[str, Any], DigestEntry]]:
    """Open calls with a coming deadline that ``sub`` follows, as rows and entries."""
    period = Period.containing(now, sub.frequency, config.settings.tz)
    builder = _Builder(config, store, sub, period, now, now)
    chosen = builder.follow(sub.committee, sub.topics, reported_only=False)
    return [(row, builder.entry(row, why)) for row, why in chosen.values()
            if row["kind"] == CALL and row["status"] == OPEN and row["deadline"]]
