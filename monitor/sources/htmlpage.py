"""Generic HTML list pages read with CSS selectors, optionally with each item's own page."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from bs4 import Tag

from monitor.config.settings import REQUIRED, Key
from monitor.http.fetch import Response
from monitor.model import Item
from monitor.sources._shared import (ITEM_OPTIONS, TextItemSource, absolute, apply_dates, compact,
                                     css_selector, dates_with_anchor, native_id_for,
                                     optional_css_selector, page_date, soup, text_of)
from monitor.sources.base import Request
from monitor.text.dates import parse_date

SUMMARY_CHARS = 4000


def parse_date_text(value: str, now: datetime, tz: tzinfo) -> Any:
    """A date written on a page (``2026-07-03``, ``02 juli 2026``) → aware datetime or None."""
    return parse_date(value, today=now, role="published", tz=tz) if value else None


class HtmlSource(TextItemSource):
    """An HTML list page read with CSS selectors: one item per element matching ``item``.

    Inside each item, ``link`` (default ``a[href]``) gives the link, ``title`` the title
    (default: the link's text), ``date`` the publication date (a ``datetime`` attribute or
    the text, e.g. ``03 juli 2026``) and ``summary`` a text. With ``detail`` set, each item's
    own page is fetched too (at most ``max_details`` a poll) and the text of the element
    matching ``detail`` is searched for deadlines and openings, the text kept as evidence.
    A list page where ``item`` matches nothing parses zero items (see source health), so a
    redesign shows in ``monitor sources status``; fix the selectors with
    ``monitor sources test NAME --file saved.html``.

    Keys: ``item`` (required), ``link``, ``title``, ``date``, ``summary``, ``detail``,
    ``max_details`` and the common ``item_kind``, ``programme``, ``language``, ``include``,
    ``find_dates``.

    Example::

        [[source]]
        name = "region-calls"
        kind = "html"
        url = "https://example.se/utlysningar/"
        item = "ul.calls > li"
        date = "time"
        detail = "main"
    """

    kind = "html"
    options = {
        **ITEM_OPTIONS,
        "item": Key(str, REQUIRED, css_selector, doc="CSS selector of each item in the list"),
        "link": Key(str, "a[href]", css_selector, doc="the item's link, inside the item"),
        "title": Key(str, "", optional_css_selector, doc="the title; default the link text"),
        "date": Key(str, "", optional_css_selector, doc="the publication date"),
        "summary": Key(str, "", optional_css_selector, doc="a short text"),
        "detail": Key(str, "", optional_css_selector,
                      doc="on the item's own page, the element whose text holds the dates"),
        "max_details": Key(int, 25, lambda v: None if v >= 0 else "must be 0 or more"),
    }

    def detail_request(self, item: Item) -> Request | None:
        """With ``detail``, the item's own page (at most ``max_details`` a poll)."""
        return Request(item.url, conditional=False) if self.option("detail") else None

    def read_item_page(self, item: Item, response: Response) -> None:
        self.read_detail(item, response.content, response.url)

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        """The list page: one item per ``item`` element with a link."""
        items = []
        for node in soup(body, url).select(self.option("item")):
            item = self.item_from_node(node, url)
            if item is not None:
                items.append(item)
        return items

    def test_parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        """A saved list page, or (when ``detail`` is set) a saved item page."""
        items = self.parse(body, url=url, content_type=content_type)
        if items or not self.option("detail"):
            return items
        page = soup(body, url)
        heading = page.select_one("h1") or page.select_one("title")
        item = Item(source=self.name, native_id=native_id_for(url), kind=self.items_kind(),
                    title=text_of(heading) or url, url=url)
        self.read_detail(item, body, url)
        return [item]

    def item_from_node(self, node: Tag, base: str) -> Item | None:
        link_node = node if node.name == "a" and node.get("href") else node.select_one(
            self.option("link"))
        href = absolute(base, link_node.get("href") if link_node is not None else None)
        title_node = node.select_one(self.option("title")) if self.option("title") else link_node
        title = compact(text_of(title_node))
        if not href or not title:
            return None
        published = None
        if self.option("date"):
            date_node = node.select_one(self.option("date"))
            if date_node is not None:
                tz = self.settings.tz
                published = (parse_date_text(str(date_node.get("datetime") or ""), self.now, tz)
                             or parse_date_text(compact(text_of(date_node)), self.now, tz))
        summary = ""
        if self.option("summary"):
            summary = text_of(node.select_one(self.option("summary")))
        item = Item(source=self.name, native_id=native_id_for(href), kind=self.items_kind(),
                    title=title, url=href, summary=summary, published=published)
        return self.finish(item)

    def read_detail(self, item: Item, body: bytes, url: str) -> None:
        """Read deadlines and openings from the item's own page."""
        page = soup(body, url)
        region = page.select_one(self.option("detail"))
        if region is None:
            raise self.parse_error(f"no element matches detail selector "
                                   f"{self.option('detail')!r}", url)
        text = text_of(region)
        if not item.summary:
            item.summary = text[:SUMMARY_CHARS]
        if self.option("find_dates"):
            found, _ = dates_with_anchor(
                text, now=self.now, tz=self.settings.tz, language=item.language,
                anchor=page_date(page, now=self.now, tz=self.settings.tz) or item.published)
            apply_dates(item, found, now=self.now, tz=self.settings.tz)
