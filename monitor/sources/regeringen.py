"""regeringen.se remisser: Swedish government consultations with their answer deadline."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from ..config import Key
from ..dates import find_deadline, parse_date
from ..fetch import NotModified, SourceHTTP
from ..model import LEGISLATION, OPEN, Item, to_iso
from ._shared import (absolute, compact, date_evidence, fetch_details, published_evidence,
                      soup, text_of)
from .base import Source

DETAIL_RE = re.compile(r"/remisser/\d{4}/\d{2}/[^/?#]+/?$")
# "…, Fi2026/01655" at the end of a listing title: the ministry's case number.
CASE_RE = re.compile(r",\s*([A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,3}\d{4}/\d{3,6}(?:/[\w-]+)?)\s*$")
REPORT_RE = re.compile(r"\b(SOU|Ds)\s+(\d{4}:\d+)")
CATEGORY_REMISS = "/tx/2099"
SUMMARY_CHARS = 4000


def _time_value(node: Tag | None, now: datetime, tz: tzinfo) -> datetime | None:
    """A ``<time>``: its ``datetime`` attribute when ISO, else the date written in it.

    The listing writes ``datetime="2026-07-03"``; the detail page ``datetime="02 juli 2026"``.
    """
    if node is None:
        return None
    for value in (str(node.get("datetime") or ""), compact(text_of(node))):
        when = parse_date(value, today=now, role="published", tz=tz) if value.strip() else None
        if when is not None:
            return when
    return None


def _ministries(links: list[Tag]) -> list[str]:
    """Ministry names from category links, without the "Remiss" category itself."""
    names = [compact(text_of(a)) for a in links if a.get("href") != CATEGORY_REMISS]
    return [n for n in names if n and n.casefold() != "remiss"]


class RegeringenRemisserSource(Source):
    """Consultations (remisser) from regeringen.se, each with ministry and answer deadline.

    Reads the list page (``https://www.regeringen.se/remisser/``, the newest 20) for title,
    link, publication date and ministry, then each remiss page (at most ``max_details`` a
    poll) for the answer deadline, which is only written in the text ("… senast den 30
    oktober 2026", "Sista dag att svara på remissen är den …"); the sentence is kept with
    the item. A remiss page that cannot be read keeps its listing data and the error.
    ``monitor sources test regeringen-remisser --file page.html`` reads either kind of page.
    """

    kind = "regeringen-remisser"
    item_kind = LEGISLATION
    options = {
        "max_details": Key(int, 20, lambda v: None if v >= 0 else "must be 0 or more",
                           doc="remiss pages read per poll"),
    }

    async def fetch(self, http: SourceHTTP) -> list[Item]:
        response = await http.get(self.url, conditional=True)
        if response.not_modified:
            raise NotModified(self.url)
        items = self.parse(response.content, url=response.url)

        async def read(item: Item) -> None:
            page = await http.get(item.url)
            self.read_detail(item, soup(page.content, page.url), page.url)
        await fetch_details(items, self.option("max_details"), read)
        return items

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        """The list page: one item per remiss link in ``ul.list--block``."""
        items = []
        for block in soup(body, url).select("ul.list--block > li div.sortcompact"):
            item = self.item_from_block(block, url)
            if item is not None:
                items.append(item)
        return items

    def test_parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        page = soup(body, url)
        detail = DETAIL_RE.search(urlsplit(url).path) or (
            page.select_one("span.published time") is not None
            and page.select_one(".js-filter-result") is None)
        if not detail:
            return self.parse(body, url=url)
        item = Item(source=self.name, native_id=self.native_id(url), kind=LEGISLATION,
                    title="", url=url, language="sv")
        self.read_detail(item, page, url)
        return [item]

    @staticmethod
    def native_id(url: str) -> str:
        """``/remisser/2026/07/slug/`` → ``2026/07/slug``."""
        path = urlsplit(url).path.strip("/")
        return path.removeprefix("remisser/") or url

    def item_from_block(self, block: Tag, base: str) -> Item | None:
        link = block.find("a", href=True, recursive=False) or block.select_one("a[href]")
        href = absolute(base, link.get("href")) if link is not None else ""
        if not href or not DETAIL_RE.search(urlsplit(href).path):
            return None  # related articles on a remiss page link elsewhere
        title = compact(text_of(link))
        times = block.select(".block--timeLinks time")
        ministries = _ministries(block.select(".block--timeLinks a[href]"))
        extra = self.title_facts(title)
        updated = _time_value(times[1], self.now, self.settings.tz) if len(times) > 1 else None
        if updated is not None:
            extra["updated"] = to_iso(updated)
        if ministries:
            extra.update(ministry=ministries[0], ministries=ministries)
        return Item(source=self.name, native_id=self.native_id(href), kind=LEGISLATION,
                    title=title, url=href, language="sv",
                    published=_time_value(times[0], self.now, self.settings.tz) if times else None, extra=extra)

    @staticmethod
    def title_facts(title: str) -> dict[str, Any]:
        facts: dict[str, Any] = {}
        case = CASE_RE.search(title)
        if case:
            facts["case_number"] = case.group(1)
        report = REPORT_RE.search(title)
        if report:
            facts["report"] = f"{report.group(1)} {report.group(2)}"
        return facts

    def read_detail(self, item: Item, page: BeautifulSoup, url: str) -> None:
        """Title, ministry, publication date, summary and the answer deadline of one remiss."""
        heading = page.select_one("h1#h1id") or page.select_one("main h1")
        if heading is None:
            raise self.parse_error("no remiss heading (h1#h1id) on the page", url)
        item.title = item.title or compact(text_of(heading))
        for key, value in self.title_facts(item.title).items():
            item.extra.setdefault(key, value)
        ministries = _ministries(page.select(".categories-text a[href]"))
        if ministries:
            item.extra.update(ministry=ministries[0], ministries=ministries)
        published_node = page.select_one("span.published")
        published = _time_value(page.select_one("span.published time"), self.now,
                                self.settings.tz)
        item.published = item.published or published
        evidence = [published_evidence(published, compact(text_of(published_node)))
                    ] if published else []
        ingress = page.select_one(".ingress")
        body = page.select_one("main .col-1") or page.select_one("main") or page
        text = text_of(body)
        item.summary = compact(text_of(ingress)) if ingress is not None else text[:SUMMARY_CHARS]
        found = find_deadline(text, today=self.now, tz=self.settings.tz)
        if found is not None and not found.approximate:
            item.deadlines = [found.when]
            item.status = OPEN  # derived from the deadline when stored: closed once passed
            evidence += date_evidence([found])
        if evidence:
            item.extra["dates"] = evidence
        item.extra["documents"] = [absolute(url, a.get("href")) for a in body.select(
            ".list--icons a[href]") if ".pdf" in str(a.get("href")).lower()]
        if not item.extra["documents"]:
            del item.extra["documents"]
