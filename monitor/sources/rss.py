"""Generic RSS/Atom feeds (feedparser)."""

from __future__ import annotations

import re
from typing import Any

import feedparser

from monitor.model import Item, html_to_text
from monitor.sources._shared import (ITEM_OPTIONS, URL_LIST, TextItemSource, absolute,
                                     utc_from_struct)
from monitor.sources.base import Request


class RssSource(TextItemSource):
    """An RSS or Atom feed: one item per entry.

    Reads title, link, summary (or content) and the publication date of every entry; with
    ``find_dates`` (default true) the deadlines and openings written in the title and
    summary are read too, and the text they came from is kept with the item. A feed that is
    not RSS/Atom, or is broken and yields no entries, is a parse error naming the cause.

    Keys: ``item_kind`` (call or legislation), ``programme``, ``language``, ``include``
    (keep only entries whose title has one of these words), ``find_dates``, ``extra_urls``
    (more feeds read the same way, e.g. several EUR-Lex lists).

    Example::

        [[source]]
        name = "region-news"
        kind = "rss"
        url = "https://example.org/feed/"
        include = ["utlysning", "call"]
    """

    kind = "rss"
    options = {**ITEM_OPTIONS, "extra_urls": URL_LIST}

    def requests(self) -> list[Request]:
        return [Request(url) for url in (self.url, *self.option("extra_urls"))]

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        feed = self.read_feed(body, url=url, content_type=content_type)
        # Entries with neither title nor link are fragments salvaged from broken markup.
        usable = [e for e in feed.entries if e.get("title") or e.get("link")]
        if feed.bozo and feed.entries and not usable:
            raise self.parse_error(f"broken feed: {feed.get('bozo_exception')}", url)
        items = (self.item_from_entry(entry, url) for entry in usable)
        return [item for item in items if item is not None]

    def read_feed(self, body: bytes, *, url: str, content_type: str = "") -> Any:
        """feedparser on the bytes (never a URL or path: it would fetch or open it)."""
        headers = {"content-location": url}
        if content_type:
            headers["content-type"] = content_type
        try:
            feed = feedparser.parse(without_impossible_charrefs(body), response_headers=headers)
        except Exception as exc:  # noqa: BLE001 - a third-party parser's every failure mode
            raise self.parse_error(f"feed could not be read ({type(exc).__name__}: {exc})",
                                   url) from exc
        if not feed.entries:
            if not feed.get("version"):  # absent when feedparser gave up early
                raise self.parse_error("not an RSS or Atom feed", url)
            if feed.bozo:
                cause = feed.get("bozo_exception")
                raise self.parse_error(f"broken feed: {cause or 'not well-formed'}", url)
        return feed

    def item_from_entry(self, entry: Any, base: str) -> Item | None:
        link = absolute(base, entry.get("link"))
        native_id = str(entry.get("id") or link).strip()
        title = html_to_text(entry.get("title"))
        content = entry.get("content") or []
        summary = html_to_text(entry.get("summary") or (content[0].get("value") if content
                                                         else ""))
        if summary == title:
            summary = ""
        item = Item(source=self.name, native_id=native_id, kind=self.items_kind(),
                    title=title, url=link, summary=summary,
                    # dict.get: feedparser's own lookup maps one key to the other, with a warning
                    published=utc_from_struct(dict.get(entry, "published_parsed")
                                              or dict.get(entry, "updated_parsed")))
        return self.finish(item)


_CHARREF_RE = re.compile(rb"&#(x[0-9a-fA-F]{1,12}|[0-9]{1,12});")


def without_impossible_charrefs(body: bytes) -> bytes:
    """Character references to code points that cannot exist (a surrogate such as
    ``&#xD800;``, or beyond U+10FFFF) become U+FFFD: feedparser's fallback parser raises on
    them instead of reporting a broken feed, so one bad reference would lose every entry."""
    def replace(match: re.Match[bytes]) -> bytes:
        ref = match.group(1)
        value = int(ref[1:], 16) if ref[:1] in b"xX" else int(ref)
        return b"&#xFFFD;" if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF else match.group(0)
    return _CHARREF_RE.sub(replace, body) if b"&#" in body else body
