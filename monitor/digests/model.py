"""What a digest is made of: its period, sections and entries (built by
:mod:`monitor.digests.build`, rendered by the mail templates, reusable by other channels)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.decisions.progress import ProgressLine
from monitor.digests.subscriptions import Subscription
from monitor.mail.message import long_date
from monitor.text.i18n import MESSAGES, add_messages, t

__all__ = ["Period", "Digest", "DigestGroup", "DigestSection", "DigestEntry", "count_phrase",
           "SECTIONS"]

SECTIONS = ("new_calls", "closing", "changed", "legislation", "unassigned")

add_messages({
    "digest_subject": {"sv": "Omvärldsbevakning {period}: {summary} för {audience}",
                       "en": "Horizon scanning {period}: {summary} for {audience}"},
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
    "digest_count_older": {"sv": "{n} tidigare publicerade", "en": "{n} published earlier"},
    "digest_count_older_one": {"sv": "1 tidigare publicerad", "en": "1 published earlier"},
    "digest_count_unassigned": {"sv": "{n} utan nämnd", "en": "{n} without a committee"},
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
    #: the same call at other sources ("uhr: https://…"), see monitor.pipeline.dedup
    also: list[str] = field(default_factory=list)
    decide_by: str = ""  # "Besluta senast: KS ..." for calls (monitor.decisions.decide_by)
    #: the opening of the item's own summary (one or two sentences)
    summary: str = ""
    #: every deadline ahead with what it is for: "Sista dag för mobilitetsprojekt: 18 ..."
    deadlines: list[str] = field(default_factory=list)
    amount: str = ""
    who: str = ""  # who may apply
    region: str = ""
    #: the decision steps in date order ("5 januari 2027: ärendet till Kommunstyrelsen
    #: senast") and, when a step is out of reach, by how much and what can still be done
    timeline: list[str] = field(default_factory=list)
    late: str = ""
    #: the committees the item is tagged to (the ``all`` overview lists them)
    committees: list[str] = field(default_factory=list)
    earlier: list[str] = field(default_factory=list)  # earlier decisions (monitor.decisions.earlier)
    #: "Tyresö kommun är remissinstans – svar senast …": the municipality is asked to answer
    invited: str = ""


@dataclass
class DigestSection:
    """One heading of a digest (``key`` in :data:`SECTIONS`) and its entries.

    ``cap``: show at most this many (the overview); the rest are counted in :attr:`more`
    and ``see`` says where to find them. ``hidden``: the ids of entries past the cap that
    were counted but never formatted (the overview formats only what it shows).
    """

    key: str
    heading: str
    entries: list[DigestEntry]
    cap: int | None = None
    see: str = ""
    hidden: list[str] = field(default_factory=list)

    @property
    def shown(self) -> list[DigestEntry]:
        return self.entries if self.cap is None else self.entries[:self.cap]

    @property
    def more(self) -> int:
        return len(self.entries) - len(self.shown) + len(self.hidden)

    @property
    def total(self) -> int:
        """Every entry of the section, shown or not."""
        return len(self.entries) + len(self.hidden)

    @property
    def item_ids(self) -> list[str]:
        return [e.item_id for e in self.entries] + self.hidden


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
    #: "Att besluta de närmaste veckorna": hand-in days and meetings ahead, soonest first
    decisions: list[str] = field(default_factory=list)
    #: a first digest's catch-up: how many new items were published before its 14 days
    older: int = 0
    #: one line when decide-by rests on example dates or a calendar ending soon
    meeting_note: str = ""
    #: the overview only: twinning visits not yet reported to KS (monitor.decisions.activities)
    unreported: list[str] = field(default_factory=list)
    #: the overview only: sources not working ("esf: fungerar inte (3 misslyckade …)")
    source_problems: list[str] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.subscription.lang

    def counts(self) -> dict[str, int]:
        """Distinct items per section key (an item under two committees counts once)."""
        seen: dict[str, set[str]] = {}
        for group in self.groups:
            for section in group.sections:
                seen.setdefault(section.key, set()).update(section.item_ids)
        return {key: len(seen[key]) for key in SECTIONS if seen.get(key)}

    @property
    def is_empty(self) -> bool:
        return not self.counts() and not self.older

    def summary(self, most: int | None = None) -> str:
        """``1 ny utlysning, 2 stänger snart, ...`` (the first ``most`` parts); a catch-up
        ends with ``40 tidigare publicerade``."""
        parts = [count_phrase(f"digest_count_{key}", n, self.lang)
                 for key, n in self.counts().items()]
        if self.older:
            parts.append(count_phrase("digest_count_older", self.older, self.lang))
        return ", ".join(parts[:most]) if parts else t("digest_nothing", self.lang)

    def subject(self) -> str:
        """The first two counts only, so the subject fits a phone's list of mail."""
        return t("digest_subject", self.lang, period=self.period.title(self.lang),
                 summary=self.summary(2), audience=self.audience)
