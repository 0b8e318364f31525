"""Nordplus: programme pages plus the yearly deadline rule."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.config.settings import Key
from monitor.model import Item, to_iso
from monitor.sources.pages import PageSource, _check_pages, slug
from monitor.text.dates import yearly_deadline

BRUSSELS = ZoneInfo("Europe/Brussels")  # "23:59 CET" in the funder's words


def _month_days(value: list) -> str | None:
    for entry in value:
        match = re.fullmatch(r"(\d{2})-(\d{2})", entry) if isinstance(entry, str) else None
        if not match or not (1 <= int(match.group(1)) <= 12 and 1 <= int(match.group(2)) <= 31):
            return f"must be a list of \"MM-DD\" days, got {entry!r}"
    return None


def _check_nordplus_pages(value: list) -> str | None:
    """Like ``page`` entries, plus ``deadlines`` (a list of "MM-DD") per programme."""
    plain = [{k: v for k, v in e.items() if k != "deadlines"} if isinstance(e, dict) else e
             for e in value]
    problem = _check_pages(plain)
    if problem:
        return problem
    for index, entry in enumerate(value, start=1):
        problem = _month_days(entry.get("deadlines", []))
        if problem:
            return f"entry {index}: deadlines {problem}"
    return None


def round_of(deadline: datetime, month_days: list[str]) -> tuple[int, str]:
    """(year, "MM-DD") of the yearly round a stated deadline belongs to: the rule day nearest
    to it, whatever the distance ("March 1st 2017" is the 1 February round of 2017)."""
    day = deadline.date()
    best: tuple[int, int, str] | None = None
    for month_day in month_days:
        month, dom = (int(part) for part in month_day.split("-"))
        for year in (day.year - 1, day.year, day.year + 1):
            try:
                distance = abs((date(year, month, dom) - day).days)
            except ValueError:
                continue  # 29 February
            if best is None or distance < best[0]:
                best = (distance, year, month_day)
    assert best is not None
    return best[1], best[2]


class NordplusSource(PageSource):
    """Nordplus (Junior, Adult, Horizontal, Nordic Languages): one item per application round.

    The main deadline is **1 February, 23:59 CET, every year**; preparatory visits in Junior,
    Adult and Nordic Languages also have an autumn round on 1 October. A deadline on a
    weekend or holiday moves to the next working day (the funder did so for Saturday 1
    February 2025: "Monday 3 February"). Each configured page (``url`` and ``pages``, each
    with ``programme`` and optionally ``deadlines = ["02-01", "10-01"]``; programme pages,
    ``/apply-for-funding/…`` or a ``/news/…`` announcement) is read, and for each yearly day
    the next round makes one item ("Nordplus Junior – ansökan senast 2027-02-01"), with the
    page's text as summary. **A deadline the page itself states beats the rule** for the
    round it belongs to (the rule day nearest to it, whatever the distance: "March 1st 2017"
    is 1 March); a year the page leaves out comes from the page's own date. Every date in the
    page is kept as evidence. Nordplus Higher Education is for universities: leave it out.
    """

    kind = "nordplus"
    options = {
        **PageSource.options,
        "pages": Key(list, list, _check_nordplus_pages,
                     doc="programme pages: url, programme, title, deadlines"),
        "deadlines": Key(list, lambda: ["02-01"], _month_days,
                         doc="yearly deadline days (MM-DD) for pages that name none"),
    }

    def items_from_page(self, body: bytes, url: str, page: dict[str, Any],
                        headers: Any = None) -> list[Item]:
        [page_item] = super().items_from_page(body, url, page, headers)
        programme = page_item.programme or page_item.title
        month_days = page.get("deadlines") or self.option("deadlines")
        stated: dict[str, dict[int, datetime]] = {}
        for when in self.stated_deadlines(page_item):
            year, month_day = round_of(when, month_days)
            rounds = stated.setdefault(month_day, {})
            rounds[year] = min(when, rounds.get(year, when))
        items = []
        now = self.now
        for month_day in month_days:
            deadline, year, from_page = self.next_round(month_day, stated.get(month_day, {}), now)
            day = deadline.date().isoformat()
            items.append(Item(
                source=self.name, native_id=f"{slug(programme)}-{year}-{month_day}",
                kind=page_item.kind, title=f"{programme} – ansökan senast {day}", url=url,
                summary=page_item.summary, programme=programme, language=page_item.language,
                deadlines=[deadline],
                extra={**page_item.extra, "page_title": page_item.title,
                       "round": "spring" if int(month_day[:2]) <= 6 else "autumn",
                       "deadline_rule": f"every year on {month_day}, 23:59 CET, next working day",
                       "deadline_from": "page text" if from_page else "rule"}))
        return items

    @staticmethod
    def stated_deadlines(page_item: Item) -> list[datetime]:
        """Deadlines the page gives for a round; the rule restated ("1 February every
        year") is not one: the rule itself (with its working-day move) says that better."""
        restated = {e["when"] for e in page_item.extra.get("dates", [])
                    if e.get("recurring") and e.get("role") == "deadline"}
        return [d for d in page_item.deadlines if to_iso(d) not in restated]

    def next_round(self, month_day: str, stated: dict[int, datetime], now: datetime
                   ) -> tuple[datetime, int, bool]:
        """(deadline, round year, whether the page said so) of the round still to close
        first. A round the page dates is that date; a round it does not, the rule's; a round
        the page dates earlier than the rule that has closed is over."""
        rule = self.rule_deadline(month_day, now)
        year = rule.year
        while year in stated and stated[year] < now:
            year += 1
            rule = self.rule_deadline(month_day, datetime(year, 1, 1, tzinfo=BRUSSELS))
        options = [(when, round_year, True) for round_year, when in stated.items()
                   if when >= now]
        if year not in stated:
            options.append((rule, year, False))
        return min(options)

    def rule_deadline(self, month_day: str, now: datetime) -> datetime:
        month, day = (int(part) for part in month_day.split("-"))
        return yearly_deadline(month, day, today=now, tz=BRUSSELS)
