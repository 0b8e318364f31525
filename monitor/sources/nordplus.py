"""Nordplus: programme pages plus the yearly deadline rule."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from ..config import Key
from ..dates import yearly_deadline
from ..model import Item
from .pages import PageSource, _check_pages, slug

RULE_TOLERANCE = timedelta(days=7)  # a date the page states this close to the rule replaces it


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


class NordplusSource(PageSource):
    """Nordplus (Junior, Adult, Horizontal, Nordic Languages): one item per application round.

    The main deadline is **1 February, 23:59 Swedish time, every year, moved to the next
    working day** when it falls on a weekend or holiday; preparatory visits in Junior, Adult
    and Nordic Languages also have 1 October. Each configured programme page (``url`` and
    ``pages``, each with ``programme`` and optionally ``deadlines = ["02-01", "10-01"]``) is
    read, and for each yearly day the next deadline makes one item ("Nordplus Junior –
    ansökan senast 2027-02-01"), with the page's text as summary. A deadline the page itself
    states within a week of the rule replaces the rule (a moved deadline); every date in the
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

    def items_from_page(self, body: bytes, url: str, page: dict[str, Any]) -> list[Item]:
        [page_item] = super().items_from_page(body, url, page)
        programme = page_item.programme or page_item.title
        stated = page_item.deadlines
        items = []
        for month_day in page.get("deadlines") or self.option("deadlines"):
            rule = self.rule_deadline(month_day)
            close = [d for d in stated if abs(d - rule) <= RULE_TOLERANCE]
            deadline = close[0] if close else rule
            day = deadline.date().isoformat()
            items.append(Item(
                source=self.name, native_id=f"{slug(programme)}-{day}", kind=page_item.kind,
                title=f"{programme} – ansökan senast {day}", url=url,
                summary=page_item.summary, programme=programme, language=page_item.language,
                deadlines=[deadline],
                extra={**page_item.extra, "page_title": page_item.title,
                       "deadline_rule": f"every year on {month_day}, 23:59, next working day",
                       "deadline_from": "page text" if close else "rule"}))
        return items

    def rule_deadline(self, month_day: str) -> datetime:
        month, day = (int(part) for part in month_day.split("-"))
        return yearly_deadline(month, day, today=self.now, tz=self.settings.tz)
