"""regeringen.se remisser: Swedish government consultations with their answer deadline."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from monitor.config.settings import MUNICIPALITY_SCHEMA, Key
from monitor.errors import SourceError
from monitor.http.fetch import Response, SourceHTTP
from monitor.model import LEGISLATION, OPEN, Item, to_iso
from monitor.sources._shared import (absolute, compact, date_evidence, published_evidence, soup,
                                     text_of)
from monitor.sources.base import Request, Source
from monitor.sources.remissinstanser import invitee_text, names_municipality
from monitor.text.dates import find_deadline, parse_date

DETAIL_RE = re.compile(r"/remisser/\d{4}/\d{2}/[^/?#]+/?$")
# "…, Fi2026/01655" at the end of a listing title: the ministry's case number.
CASE_RE = re.compile(r",\s*([A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,3}\d{4}/\d{3,6}(?:/[\w-]+)?)\s*$")
REPORT_RE = re.compile(r"\b(SOU|Ds)\s+(\d{4}:\d+)")
CATEGORY_REMISS = "/tx/2099"
SUMMARY_CHARS = 4000
# "Diarienummer: KN2026/00741" inside the heading's vignette.
VIGNETTE_CASE_RE = re.compile(r"(?:Diarienummer|Dnr)\s*:?\s*(\S.*?)\s*$", re.I)
# Later listing pages come only from the site's filter endpoint, asked as its own script does
# [inf: public client code]; 2099 is the remiss category.
FILTER_PATH = "/Filter/GetFilteredItems"
FILTER_PARAMS = {"lang": "sv", "filterType": "Taxonomy", "filterByType": "FilterablePageBase",
                 "rootPageReference": "0", "displayLimited": "True",
                 "preFilteredCategories": "2099"}
AJAX = {"X-Requested-With": "XMLHttpRequest"}
INVITEE_LISTS = 2  # remissinstans lists read per remiss


def heading_parts(heading: Tag) -> tuple[str, str | None]:
    """A remiss heading's title and the registration number some pages put inside it
    (``<span class="h1-vignette">Diarienummer: KN2026/00741</span>``), never part of the
    title."""
    copy = BeautifulSoup(str(heading), "lxml")
    case = None
    for vignette in copy.select(".h1-vignette"):
        match = VIGNETTE_CASE_RE.search(compact(text_of(vignette)))
        case = case or (match.group(1) if match else None)
        vignette.replace_with(" ")
    return compact(text_of(copy.body or copy)), case


def _invitee_boxes(page: BeautifulSoup) -> list[Tag]:
    """What follows each "Remissinstanser" heading: a list of links, or the bodies named."""
    boxes = []
    for heading in page.find_all(re.compile(r"^h[2-4]$")):
        if re.match(r"\s*remissinstanser", text_of(heading), re.I):
            box = heading.find_next_sibling()
            if box is not None:
                boxes.append(box)
    return boxes


def invitee_links(page: BeautifulSoup, base: str) -> list[str]:
    """Links to the list of bodies asked to answer: documents under the "Remissinstanser"
    heading, and any link named "remissinstanser" (usually a PDF)."""
    links: list[str] = []
    for box in _invitee_boxes(page):
        for anchor in box.select("a[href]"):
            links.append(absolute(base, anchor.get("href")))
    for anchor in page.select("a[href]"):
        href = str(anchor.get("href"))
        if re.search(r"remissinstans", f"{href} {text_of(anchor)}", re.I):
            links.append(absolute(base, href))
    return list(dict.fromkeys(link for link in links if link))


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
    link, publication date and ministry, and with ``pages`` above 1 the older ones through
    the site's filter endpoint (``/Filter/GetFilteredItems?…&page=N``, asked with
    ``X-Requested-With: XMLHttpRequest``; JSON whose ``Message`` is the list's HTML). Then
    each remiss page (at most ``max_details`` a poll) for the answer deadline, which is only
    written in the text ("… senast den 30 oktober 2026", "Sista dag att svara på remissen är
    den den …"); the sentence is kept with the item. A registration number inside the
    heading ("Diarienummer: …") becomes ``case_number``, not part of the title. The list of
    bodies asked to answer (remissinstanser, usually a PDF) is read, and ``invited`` says
    whether the municipality of ``[municipality] name`` in settings is on it. A remiss page
    or list that cannot be read keeps its listing data and the error.
    ``monitor sources test regeringen-remisser --file page.html`` reads either kind of page.
    """

    kind = "regeringen-remisser"
    item_kind = LEGISLATION
    options = {
        "max_details": Key(int, 20, lambda v: None if v >= 0 else "must be 0 or more",
                           doc="remiss pages read per poll"),
        "pages": Key(int, 1, lambda v: None if v >= 1 else "must be 1 or more",
                     doc="listing pages of 20 read per poll (the first is the HTML page)"),
    }

    async def complete(self, http: SourceHTTP, items: list[Item]) -> list[Item]:
        """After a changed list page: the older pages, each remiss page, the lists of
        invited bodies."""
        items += await self.older_pages(http, {item.native_id for item in items})
        await self.read_item_pages(http, items)
        for item in items:  # after every remiss page: lists are extra, never in their way
            await self.read_invitees(http, item)
        return items

    def detail_request(self, item: Item) -> Request:
        return Request(item.url, conditional=False)

    def read_item_page(self, item: Item, response: Response) -> None:
        self.read_detail(item, soup(response.content, response.url), response.url)

    async def older_pages(self, http: SourceHTTP, seen: set[str]) -> list[Item]:
        """Listing pages 2… through the filter endpoint, until one adds nothing new."""
        items: list[Item] = []
        endpoint = absolute(self.url, FILTER_PATH)
        for number in range(2, min(self.option("pages"), self.settings.http.max_pages) + 1):
            response = await http.get(endpoint, params={**FILTER_PARAMS, "page": str(number)},
                                      headers=AJAX)
            page_items = self.filtered_items(response.content, response.url)
            fresh = [item for item in page_items if item.native_id not in seen]
            seen.update(item.native_id for item in fresh)
            items += fresh
            if not fresh:
                break
        return items

    def filtered_items(self, body: bytes, url: str) -> list[Item]:
        """One answer of the filter endpoint: ``{"Message": "<ul class=list--block>…",
        "TotalCount": N}``."""
        data = self.parse_json(body, url)
        message = data.get("Message") if isinstance(data, dict) else None
        if not isinstance(message, str):
            raise self.parse_error("not a filter answer (no 'Message' with the list)", url)
        blocks = soup(f"<html><body>{message}</body></html>", url).select(
            "ul.list--block > li div.sortcompact")
        base = absolute(self.url, "/remisser/")
        return [item for item in (self.item_from_block(b, base) for b in blocks) if item]

    def municipality(self) -> str:
        section = self.settings.section("municipality")
        return str(section.get("name", MUNICIPALITY_SCHEMA["name"].default) or "").strip()

    async def read_invitees(self, http: SourceHTTP, item: Item) -> None:
        """Read the remiss's list of invited bodies and mark whether the municipality is on
        it; a list that cannot be fetched or read is noted on the item, nothing more."""
        name = self.municipality()
        links = item.extra.get("remissinstanser") or []
        if not name or not links:
            return
        errors = []
        for link in links[:INVITEE_LISTS]:
            try:
                response = await http.get(link, conditional=False)
                text = invitee_text(response.content, response.content_type, link)
            except (SourceError, ValueError) as exc:
                errors.append(f"{link}: {exc}")
                continue
            self.mark_invited(item, text, name)
            if item.extra.get("invited"):
                break
        if errors and "invited" not in item.extra:
            item.extra["remissinstanser_error"] = "; ".join(errors)

    @staticmethod
    def mark_invited(item: Item, text: str, name: str) -> None:
        """``invited`` true when ``name`` is on the list; false when a list was read without
        it (a remiss with no list read has no ``invited``)."""
        line = names_municipality(text, name)
        item.extra["invited"] = bool(line) or bool(item.extra.get("invited"))
        if line:
            item.extra["invited_as"] = line

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
        extra = self.title_facts(title)
        if "case_number" in extra:  # "…, Fi2026/01655": its own field, not the title's end
            title = CASE_RE.sub("", title).strip()
        ministries = _ministries(block.select(".block--timeLinks a[href]"))
        updated = _time_value(times[1], self.now, self.settings.tz) if len(times) > 1 else None
        if updated is not None:
            extra["updated"] = to_iso(updated)
        if ministries:
            extra.update(ministry=ministries[0], ministries=ministries)
        return Item(source=self.name, native_id=self.native_id(href), kind=LEGISLATION,
                    title=title, url=href, language="sv",
                    published=_time_value(times[0], self.now, self.settings.tz) if times else None,
                    extra=extra)

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
        title, case = heading_parts(heading)
        item.title = item.title or title
        if case:
            item.extra["case_number"] = case
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
        found = find_deadline(text, today=self.now, anchor=published, tz=self.settings.tz)
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
        invitees = invitee_links(page, url)
        if invitees:
            item.extra["remissinstanser"] = invitees
        named = "\n".join(text_of(box) for box in _invitee_boxes(page))
        if self.municipality() and names_municipality(named, self.municipality()):
            self.mark_invited(item, named, self.municipality())  # listed on the page itself
