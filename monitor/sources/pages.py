"""Programme pages: one page, one call, its deadlines read from the text."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from monitor.config.settings import Key, check_http_url
from monitor.http.fetch import Response
from monitor.model import CLOSED, Item, to_iso
from monitor.sources._shared import (ITEM_OPTIONS, TextItemSource, apply_dates, compact,
                                     css_selector, dates_with_anchor, native_id_for, page_date,
                                     soup, text_of)
from monitor.sources.base import Request

SUMMARY_CHARS = 4000


def _check_pages(value: list) -> str | None:
    for index, entry in enumerate(value, start=1):
        if not isinstance(entry, dict):
            return f"entry {index} must be a table like {{ url = \"https://…\", programme = " \
                   f"\"…\" }}"
        unknown = sorted(set(entry) - {"url", "programme", "title"})
        if unknown:
            return f"entry {index}: unknown key {unknown[0]!r} (valid: programme, title, url)"
        if not isinstance(entry.get("url"), str):
            return f"entry {index}: url is required"
        problem = check_http_url(entry["url"])
        if problem:
            return f"entry {index}: url {problem}"
        if any(not isinstance(entry.get(k, ""), str) for k in ("programme", "title")):
            return f"entry {index}: programme and title must be text"
    return None


# A page saying that no round is open now ("Just nu går det inte att ansöka till
# programmet"). A word for "now" is required: "efter sista dag går det inte att ansöka" is a
# rule, not a status.
NOT_OPEN_RE = re.compile(
    r"\b(?:just nu|för närvarande|i nuläget|tills vidare)\b[^.\n]{0,20}?\b(?:går|är) det inte "
    r"(?:möjligt )?att (?:ansöka|söka)[^.\n]*"
    r"|\b(?:it is )?not (?:currently|at the moment) possible to apply[^.\n]*"
    r"|\bapplications are (?:currently|at the moment) closed[^.\n]*", re.I)


def slug(text: str) -> str:
    return re.sub(r"[\W_]+", "-", text.casefold().replace("+", "plus")).strip("-")


class PageSource(TextItemSource):
    """Programme pages: each page is one call, its deadlines and openings read from its text.

    For funders that publish no list of calls, only a page per programme that says when to
    apply ("Sista ansökningsdagar 2027 är 1 februari och 1 oktober"). ``url`` is one page;
    ``pages`` adds more, each ``{ url = "…", programme = "…", title = "…" }`` (programme and
    title optional). The title is the page's ``title`` element match (default ``h1``) unless
    given; the text searched for dates is the ``content`` element (default ``main``, else the
    whole body). Every date found is kept with the words it came from; a month without a
    day is kept but never becomes a deadline.

    Keys: ``pages``, ``content``, ``title`` and the common ``item_kind``, ``programme``,
    ``language``, ``find_dates``.
    """

    kind = "page"
    options = {
        **{k: v for k, v in ITEM_OPTIONS.items() if k != "include"},
        "pages": Key(list, list, _check_pages, doc="more pages: url, programme, title"),
        "content": Key(str, "main", css_selector, doc="element whose text holds the dates"),
        "title": Key(str, "h1", css_selector, doc="element holding the page title"),
    }

    def page_list(self) -> list[dict[str, str]]:
        first = {"url": self.url, "programme": self.option("programme")}
        return [first, *[dict(p) for p in self.option("pages")]]

    def requests(self) -> list[Request]:
        """Each page on its own: an unchanged page keeps its stored items."""
        return [Request(page["url"], context=page) for page in self.page_list()]

    def read(self, response: Response, request: Request) -> list[Item]:
        return self.items_from_page(response.content, response.url, request.context,
                                    response.headers)

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        known = {p["url"]: p for p in self.page_list()}
        return self.items_from_page(body, url, known.get(url, {"url": url}))

    def page_text(self, body: bytes, url: str, headers: Any = None
                  ) -> tuple[str, str, datetime | None]:
        """The page's title, the text of its content element and the page's own date."""
        page = soup(body, url)
        region = page.select_one(self.option("content")) or page.body or page
        heading = page.select_one(self.option("title")) or page.select_one("title")
        written = page_date(page, headers, now=self.now, tz=self.settings.tz)
        return compact(text_of(heading)), text_of(region), written

    def items_from_page(self, body: bytes, url: str, page: dict[str, Any],
                        headers: Any = None) -> list[Item]:
        heading, text, written = self.page_text(body, url, headers)
        title = page.get("title") or heading
        if not title or not text:
            raise self.parse_error("page has no title or no text (check the 'title' and "
                                   "'content' selectors)", url)
        # A page configured with a programme is known by it; the URL path is the fallback.
        native_id = slug(page["programme"]) if page.get("programme") else native_id_for(url)
        item = Item(source=self.name, native_id=native_id, kind=self.items_kind(),
                    title=title, url=url, summary=text[:SUMMARY_CHARS],
                    programme=page.get("programme") or self.option("programme") or None,
                    language=self.option("language") or None)
        found, written = dates_with_anchor(text, now=self.now, tz=self.settings.tz,
                                           language=item.language, anchor=written)
        if written is not None:
            item.extra["page_date"] = to_iso(written)
        closed = NOT_OPEN_RE.search(text)
        if closed:  # "Just nu går det inte att ansöka": the page's own word on its status
            item.status = CLOSED
            item.extra["status_text"] = compact(closed.group(0))
        if self.option("find_dates"):
            apply_dates(item, found, now=self.now, tz=self.settings.tz)
        return [item]
