"""Svenska ESF-rådet: ESF+ calls (WordPress REST) and the call plan (HTML)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..config import Key, check_http_url
from ..dates import parse_date
from ..fetch import NotModified, SourceHTTP
from ..model import FORTHCOMING, Item, from_iso
from ._shared import apply_dates, compact, earliest_per_day, find_item_dates, soup, text_of
from .pages import slug
from .wordpress import WordPressSource

# Labelled fields of a call page [doc]: "Utlysning 2020/00518", "Startdatum 2020-08-24" …
LABELS = {
    "call_number": re.compile(r"\bUtlysning\s*:?\s*(\d{4}/\d{3,6})"),
    "programme_area": re.compile(r"^\s*Programområde\s*:?\s*(.+?)\s*$", re.M),
    "region": re.compile(r"^\s*Region\s*:?\s*(.+?)\s*$", re.M),
    "starts": re.compile(r"^\s*Startdatum\s*:?\s*(.+?)\s*$", re.M),
    "ends": re.compile(r"^\s*Slutdatum\s*:?\s*(.+?)\s*$", re.M),
    "budget": re.compile(r"Utlyst belopp\s*:?\s*([\d \u00a0]+?)\s*(?:kr|kronor|SEK)\b", re.I),
}


def _plan_url(value: str) -> str | None:
    return check_http_url(value) if value else None


def labelled_fields(text: str) -> dict[str, str]:
    """The call page's labelled fields that are present, as written."""
    found = {}
    for key, pattern in LABELS.items():
        match = pattern.search(text)
        if match:
            found[key] = compact(match.group(1))
    return found


def mark_forthcoming(item: Item, now: datetime) -> None:
    """A call announced only by month ("beräknas öppna i december") is forthcoming while that
    month is ahead; it gets no opening or deadline, since no day was given."""
    if item.opens or item.deadlines:
        return
    announced = [from_iso(d["when"]) for d in item.extra.get("dates", [])
                 if d.get("approximate") and d.get("role") == "opens"]
    if any(when and when > now for when in announced):
        item.status = FORTHCOMING


class EsfSource(WordPressSource):
    """Svenska ESF-rådet (ESF+): calls from the WordPress REST API, and the call plan page.

    Reads the WordPress collection at ``url`` like the ``wordpress`` kind and keeps the posts
    that are calls: a call number ("Utlysning 2026/00123"), start/end date labels, or a link
    under ``/utlysningar/``. The labelled fields become data: ``Startdatum`` the opening,
    ``Slutdatum`` the deadline (a closing time in the text, "stänger kl.16.00 den 29 oktober",
    makes it precise), ``Programområde``, ``Region``, ``Utlyst belopp``. A call announced only
    by month ("beräknas öppna i december") is forthcoming, with the month kept as
    approximate. ``plan_url`` (the call plan, HTML) adds one item per planned call (table
    row), with its dates as written.
    """

    kind = "esf"
    options = {
        **WordPressSource.options,
        "plan_url": Key(str, "", _plan_url, doc="the call plan page (utlysningsplan)"),
    }

    async def fetch(self, http: SourceHTTP) -> list[Item]:
        """The WordPress pages, then the call plan; unchanged when neither changed."""
        try:
            items, changed = await super().fetch(http), True
        except NotModified:
            items, changed = [], False
        if self.option("plan_url"):
            response = await http.get(self.option("plan_url"), conditional=True)
            if not response.not_modified:
                items, changed = items + self.plan_items(response.content, response.url), True
        if not changed:
            raise NotModified(self.url)
        return items

    def test_parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        """An API page (JSON) or the call plan (HTML)."""
        if body.lstrip()[:1] in (b"[", b"{"):
            return self.parse(body, url=url, content_type=content_type)
        # Without an address of its own, a saved plan page is taken to be the plan_url.
        return self.plan_items(body, self.option("plan_url") if url == self.url and
                               self.option("plan_url") else url)

    def item_from_post(self, post: dict[str, Any]) -> Item | None:
        item = super().item_from_post(post)
        if item is None:
            return None
        fields = labelled_fields(item.summary)
        path = urlsplit(item.url).path.rstrip("/")
        listing = urlsplit(self.option("plan_url") or "").path.rstrip("/")
        is_call = bool(fields.keys() & {"call_number", "starts", "ends"}) or (
            "/utlysningar/" in path + "/" and not path.endswith("/utlysningar")
            and path != listing)
        if not is_call:
            return None
        self.apply_labels(item, fields)
        mark_forthcoming(item, self.now)
        return item

    def apply_labels(self, item: Item, fields: dict[str, str]) -> None:
        now = self.now
        starts = parse_date(fields["starts"], today=now, role="opens", tz=self.settings.tz) \
            if "starts" in fields else None
        ends = parse_date(fields["ends"], today=now, role="deadline", tz=self.settings.tz) \
            if "ends" in fields else None
        if starts and not item.opens:
            item.opens = starts
        if ends:
            item.deadlines = earliest_per_day([*item.deadlines, ends], self.settings.tz)
        budget = fields.pop("budget", None)
        if budget:
            item.extra["budget_sek"] = int(re.sub(r"\D", "", budget))
        if "programme_area" in fields:
            item.programme = item.programme or "ESF+"
        item.extra.update({k: v for k, v in fields.items() if k not in ("starts", "ends")})

    def plan_items(self, body: bytes, url: str) -> list[Item]:
        """The call plan: one call per table row, each cell read with its column heading
        ("Öppnar: december 2026"), so the dates get their role from the heading."""
        items = []
        headings: list[str] = []
        for row in soup(body, url).select("table tr"):
            cells = [compact(text_of(c)) for c in row.find_all(["td", "th"])]
            if row.find("td") is None:
                headings = cells
                continue
            if not cells or not cells[0]:
                continue
            named = zip(headings, cells) if len(headings) == len(cells) else \
                (("", c) for c in cells)
            text = "\n".join(f"{h}: {c}" if h else c for h, c in named if c)
            item = Item(source=self.name, native_id=f"plan-{slug(cells[0])}",
                        kind=self.items_kind(), title=f"Planerad utlysning: {cells[0]}",
                        url=url, summary=text, programme=self.option("programme") or None,
                        language="sv", extra={"planned": True})
            found = find_item_dates(text, now=self.now, tz=self.settings.tz, language="sv")
            apply_dates(item, found, now=self.now, tz=self.settings.tz)
            mark_forthcoming(item, self.now)
            items.append(item)
        return items
