"""Svenska ESF-rådet: ESF+ calls (WordPress REST) and the call plan (HTML)."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from monitor.config.settings import Key, check_http_url
from monitor.http.fetch import Response
from monitor.model import CLOSED, FORTHCOMING, OPEN, Item, from_iso
from monitor.sources._shared import (apply_dates, compact, earliest_per_day, find_item_dates,
                                     page_date, soup, text_of)
from monitor.sources.base import Request
from monitor.sources.pages import slug
from monitor.sources.wordpress import WordPressSource
from monitor.text.dates import parse_date

# Labelled fields of a call page [doc]: "Utlysning 2020/00518", "Startdatum 2020-08-24" …
LABELS = {
    "call_number": re.compile(r"\bUtlysning\s*:?\s*(\d{4}/\d{3,6})"),
    "programme_area": re.compile(r"^\s*Programområde\s*:?\s*(.+?)\s*$", re.M),
    "region": re.compile(r"^\s*Region\s*:?\s*(.+?)\s*$", re.M),
    "starts": re.compile(r"^\s*Startdatum\s*:?\s*(.+?)\s*$", re.M),
    "ends": re.compile(r"^\s*Slutdatum\s*:?\s*(.+?)\s*$", re.M),
    "budget": re.compile(r"Utlyst belopp\s*:?\s*([\d \u00a0]+?)\s*(?:kr|kronor|SEK)\b", re.I),
}


PLAN = "plan"  # the request context of the call plan page


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


def _month_of(entry: dict[str, Any], tz: tzinfo) -> str | None:
    when = from_iso(entry.get("when"))
    return when.astimezone(tz).strftime("%Y-%m") if when else None


def read_announcement(item: Item, now: datetime, tz: tzinfo) -> bool:
    """A news post announcing a coming call ("beräknas öppna den 2 december 2022 och stänga i
    början av mars 2023"): keep its opening day, and the month it is to close in as
    ``closes_approximately`` (no day is invented). False when the post announces no round."""
    dates = item.extra.get("dates", [])
    opens = [d for d in dates if d.get("role") == "opens"]
    closes = [d for d in dates if d.get("role") == "deadline" and d.get("approximate")]
    if not (opens or item.opens or item.deadlines) or not ANNOUNCES.search(item.summary):
        return False
    if closes:
        item.extra["closes_approximately"] = _month_of(closes[0], tz)
    approximate_opening = [d for d in opens if d.get("approximate")]
    if approximate_opening and not item.opens:
        item.extra["opens_approximately"] = _month_of(approximate_opening[0], tz)
    item.extra["announcement"] = True
    if not item.deadlines and closes:
        # Open once opened, until the month it is to close in has passed.
        month_end = from_iso(closes[-1].get("end") or closes[-1]["when"])
        passed = month_end is not None and _next_month(month_end, tz) <= now
        item.status = CLOSED if passed else OPEN
    if item.opens and item.opens > now:
        item.status = FORTHCOMING
    mark_forthcoming(item, now)
    return True


def _next_month(moment: datetime, tz: tzinfo) -> datetime:
    local = moment.astimezone(tz)
    return local.replace(year=local.year + local.month // 12, month=local.month % 12 + 1, day=1,
                         hour=0, minute=0, second=0)


ANNOUNCES = re.compile(r"utlysning|ansökningsomgång|call for|öppna[rs]?\b|öppnar", re.I)


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
    approximate. ``posts_url`` (the news posts) adds coming calls announced only in news
    ("beräknas öppna den 2 december 2022 och stänga i början av mars 2023"): a forthcoming
    item with its opening day and ``closes_approximately`` (the month); a year left out
    counts from the post's date. ``plan_url`` (the call plan, HTML) adds one item per
    planned call (table row), with its dates as written.
    """

    kind = "esf"
    options = {
        **WordPressSource.options,
        "plan_url": Key(str, "", _plan_url, doc="the call plan page (utlysningsplan)"),
        "posts_url": Key(str, "", _plan_url,
                         doc="the news posts collection (/wp-json/wp/v2/posts): coming calls"),
    }

    def requests(self) -> list[Request]:
        """The WordPress pages, the news posts, then the call plan."""
        firsts = [self.collection(url) for url in (self.url, self.option("posts_url")) if url]
        if self.option("plan_url"):
            firsts.append(Request(self.option("plan_url"), context=PLAN))
        return firsts

    def next_request(self, request: Request, response: Response | None) -> Request | None:
        return None if request.context == PLAN else super().next_request(request, response)

    def read(self, response: Response, request: Request) -> list[Item]:
        if request.context == PLAN:
            return self.plan_items(response.content, response.url)
        return super().read(response, request)

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
        if post.get("type") == "post" or "/nyheter/" in urlsplit(item.url).path:
            # News: a coming call is announced here before it has a page of its own.
            self.apply_labels(item, fields)
            return item if read_announcement(item, self.now, self.settings.tz) else None
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
        page = soup(body, url)
        written = page_date(page, now=self.now, tz=self.settings.tz)
        for row in page.select("table tr"):
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
            found = find_item_dates(text, now=self.now, tz=self.settings.tz, language="sv",
                                    anchor=written)
            apply_dates(item, found, now=self.now, tz=self.settings.tz)
            mark_forthcoming(item, self.now)
            items.append(item)
        return items
