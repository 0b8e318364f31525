"""Pieces several source kinds share: common option schemas, HTML helpers, date evidence.

Not a source kind itself (the leading underscore keeps it out of the registry import loop).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone, tzinfo
from typing import Any, Iterable, Mapping
from urllib.parse import quote, urljoin, urlsplit

import lxml.etree
import lxml.html
from bs4 import BeautifulSoup, Tag

from monitor.config.settings import Key, check_http_url
from monitor.errors import ParseError
from monitor.model import CALL, KINDS, Item, html_to_text, to_iso
from monitor.sources.base import Source
from monitor.text.dates import find_dates


def _one_of(*choices: str):  # noqa: ANN202 - a Key check
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}, got {value!r}"
    return check


def _words(value: list) -> str | None:
    if not all(isinstance(v, str) and v.strip() for v in value):
        return "must be a list of non-empty texts"
    return None


def _urls(value: list) -> str | None:
    for entry in value:
        if not isinstance(entry, str):
            return f"must be a list of URLs, got {entry!r}"
        problem = check_http_url(entry)
        if problem:
            return problem
    return None


def css_selector(value: str) -> str | None:
    import soupsieve

    try:
        soupsieve.compile(value)
    except (soupsieve.SelectorSyntaxError, ValueError) as exc:
        return f"not a valid CSS selector: {str(exc).splitlines()[0]}"
    return None


def optional_css_selector(value: str) -> str | None:
    return css_selector(value) if value else None


def native_id_for(url: str) -> str:
    """An item's id from its link: path and query, so http/https or host aliases agree."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") or url


#: Keys every generic kind accepts: what the items are and which of them to keep.
ITEM_OPTIONS: dict[str, Key] = {
    "item_kind": Key(str, CALL, _one_of(*KINDS), doc="call or legislation"),
    "programme": Key(str, "", doc="programme name stamped on every item"),
    "language": Key(str, "", doc="language of the items (sv, en), else guessed by the dates"),
    "include": Key(list, list, _words,
                   doc="keep only items whose title contains one of these words"),
    "find_dates": Key(bool, True, doc="read deadlines and openings from the item text"),
}

URL_LIST = Key(list, list, _urls, doc="more URLs fetched the same way")


def soup(body: bytes | str, url: str = "") -> BeautifulSoup:
    """Parse HTML leniently; bytes let lxml honour the page's declared charset.

    A declared charset lxml refuses (garbage bytes in the meta tag: "All strings must be
    XML compatible") falls back to UTF-8 with replacement characters, as a browser would.
    Markup nested deeper than libxml2's own limit (256 levels) is a ParseError: bs4 would
    build it anyway and then spend minutes fixing and matching the tree (a 600 kB page took
    80 s), or overflow Python's stack; no page written for people is nested like that.
    """
    if _too_deep(body):
        where = f"{url}: " if url else ""
        raise ParseError(f"{where}HTML nested more than 256 levels deep; not read")
    try:
        return BeautifulSoup(body, "lxml")
    except (ValueError, LookupError):
        if not isinstance(body, bytes):
            raise
        return BeautifulSoup(body.decode("utf-8", "replace"), "lxml")


def _too_deep(body: bytes | str) -> bool:
    """Whether lxml's own tree builder (C, fast, stops at the limit) finds the markup nested
    beyond its depth limit."""
    parser = lxml.html.HTMLParser(recover=True)
    try:
        lxml.html.document_fromstring(body, parser=parser)
    except (lxml.etree.LxmlError, ValueError, LookupError):
        return False  # empty or undecodable: BeautifulSoup copes (or says so) itself
    return any("depth" in error.message for error in parser.error_log)


def text_of(node: Tag | None) -> str:
    """Visible text of a node with entities decoded and whitespace collapsed per line."""
    if node is None:
        return ""
    return html_to_text(node.decode_contents())


#: what stays as written when a refused link is percent-encoded (everything but brackets, space …)
URL_SAFE = ":/?#@!$&'()*+,;=%~"


def parseable_url(url: str) -> str:
    """``url`` when the URL parser accepts it; else with its brackets (a stray "[" reads as a
    broken IPv6 host) and other odd characters percent-encoded, so its item keeps the link as
    the page wrote it."""
    try:
        urlsplit(url)
    except ValueError:
        return quote(url, safe=URL_SAFE, errors="replace")
    return url


def absolute(base: str, href: str | None) -> str:
    """``href`` resolved against ``base``; "" without one (see :func:`parseable_url`)."""
    return urljoin(base, parseable_url(href.strip())) if href else ""


def title_included(title: str, words: Iterable[str]) -> bool:
    """True when ``words`` is empty or the title contains one of them (case-insensitive)."""
    words = [w.casefold() for w in words]
    return not words or any(w in title.casefold() for w in words)


def local_date(value: str, tz: tzinfo) -> datetime | None:
    """``2026-06-30`` (a day, no time) → midnight that day in ``tz``; None if not a date."""
    try:
        day = date.fromisoformat(value.strip()[:10])
    except (ValueError, AttributeError):
        return None
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def local_datetime(value: str | None, tz: tzinfo) -> datetime | None:
    """An ISO 8601 date-time from an API: a zone-less value is local time in ``tz``."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return local_date(value, tz)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def utc_from_struct(value: Any) -> datetime | None:
    """feedparser's ``*_parsed`` (a UTC ``time.struct_time``) → aware datetime."""
    if not value:
        return None
    return datetime(*value[:6], tzinfo=timezone.utc)


def date_evidence(found: Iterable[Any]) -> list[dict[str, Any]]:
    """FoundDate objects → the JSON kept in ``item.extra["dates"]`` (with the text)."""
    out = []
    for f in found:
        entry = {"role": f.role, "when": to_iso(f.when), "approximate": f.approximate,
                 "text": f.text}
        if getattr(f, "end", None) is not None:
            entry["end"] = to_iso(f.end)
        if getattr(f, "recurring", False):
            entry["recurring"] = True
        out.append(entry)
    return out


def published_evidence(when: datetime, text: str) -> dict[str, Any]:
    """Evidence for a publication date read from markup rather than found in prose."""
    return {"role": "published", "when": to_iso(when), "approximate": False, "text": text}


def find_item_dates(text: str, *, now: datetime, tz: tzinfo, language: str | None = None,
                    anchor: datetime | None = None) -> list[Any]:
    """Every date in ``text``, read with ``now`` (the poll's time) as today and times without
    a zone in ``tz`` (the settings' time zone); a year the text leaves out comes from
    ``anchor``, the page's own date, when it has one."""
    return find_dates(text, today=now, language=language or None, anchor=anchor, tz=tz)


def dates_with_anchor(text: str, *, now: datetime, tz: tzinfo, language: str | None = None,
                      anchor: datetime | None = None) -> tuple[list[Any], datetime | None]:
    """The dates in a page's text read with its own date as anchor; without a date in its
    markup, the page's text may give one ("Publicerad 3 september 2021", "Uppdaterad …")."""
    found = find_item_dates(text, now=now, tz=tz, language=language, anchor=anchor)
    if anchor is None:
        stated = [f for f in found if f.role in ("published", "updated") and not f.approximate]
        own = next((f for f in stated if f.role == "published"), None) or (
            max(stated, key=lambda f: f.when) if stated else None)
        if own is not None:
            anchor = own.when
            found = find_item_dates(text, now=now, tz=tz, language=language, anchor=anchor)
    return found, anchor


# Where a page says when it was written, most specific first.
_PAGE_DATE_META = ("article:published_time", "og:published_time", "datePublished",
                   "dcterms.date", "dcterms.created", "DC.date", "dc.date", "date", "pubdate",
                   "publish-date", "article:modified_time", "og:updated_time",
                   "dcterms.modified", "last-modified")


def page_date(page: BeautifulSoup | None, headers: Mapping[str, str] | None = None, *,
              now: datetime, tz: tzinfo) -> datetime | None:
    """The page's own date: its published/modified meta, else its first ``<time datetime>``,
    else the HTTP ``Last-Modified``. Missing years in the page's text count from it, so an
    old page read today keeps its own year."""
    from monitor.text.dates import parse_date

    def read(value: Any) -> datetime | None:
        text = str(value or "").strip()
        return parse_date(text, today=now, role="published", tz=tz) if text else None

    if page is not None:
        metas = {}
        for meta in page.find_all("meta"):
            key = meta.get("property") or meta.get("name") or meta.get("itemprop")
            if key and meta.get("content"):
                metas.setdefault(str(key), meta.get("content"))
        lowered = {k.lower(): v for k, v in metas.items()}
        for key in _PAGE_DATE_META:
            when = read(metas.get(key) or lowered.get(key.lower()))
            if when:
                return when
        for node in page.find_all("time"):
            when = read(node.get("datetime")) or read(node.get_text(" ", strip=True))
            if when:
                return when
    if headers:
        return read(headers.get("last-modified"))
    return None


def apply_dates(item: Item, found: list[Any], *, now: datetime, tz: tzinfo) -> Item:
    """Set the item's opens/deadlines/published from exact dates; keep all as evidence.

    A month-only (approximate) date never becomes ``opens`` or a deadline: it stays in
    ``extra["dates"]`` only, so nobody is told a day the funder never gave. A window
    (a date with an ``end``) opens at its start and closes at its end.
    """
    deadlines: list[datetime] = list(item.deadlines)
    openings: list[datetime] = []
    for f in found:
        if f.approximate:
            continue
        end = getattr(f, "end", None)
        if end is not None and f.role in ("deadline", "opens", "unknown"):
            openings.append(f.when)
            deadlines.append(end)
        elif f.role == "deadline":
            deadlines.append(f.when)
        elif f.role == "opens":
            openings.append(f.when)
        elif f.role == "published" and item.published is None:
            item.published = f.when
    item.deadlines = earliest_per_day(deadlines, tz)
    if openings and item.opens is None:
        item.opens = opening_for(openings, item.deadlines, now)
    if found:
        item.extra["dates"] = item.extra.get("dates", []) + date_evidence(found)
    return item


def earliest_per_day(deadlines: Iterable[datetime], tz: tzinfo) -> list[datetime]:
    """One deadline per day: "Slutdatum 2020-10-29" (end of day) and "stänger kl.16.00 den
    29 oktober 2020" are the same deadline, and the earlier time is the one to keep."""
    by_day: dict[date, datetime] = {}
    for when in deadlines:
        day = when.astimezone(tz).date()
        if day not in by_day or when < by_day[day]:
            by_day[day] = when
    return sorted(by_day.values())


def opening_for(openings: list[datetime], deadlines: list[datetime], now: datetime) -> datetime:
    """The opening that belongs to the next deadline (the latest one before it)."""
    upcoming = sorted(d for d in deadlines if d >= now)
    if upcoming:
        before = [o for o in openings if o <= upcoming[0]]
        if before:
            return max(before)
    return min(openings)


def stamp(item: Item, options: Mapping[str, Any]) -> Item:
    """Apply the common ``programme``/``language`` options to an item that lacks them."""
    if options.get("programme") and not item.programme:
        item.programme = options["programme"]
    if options.get("language") and not item.language:
        item.language = options["language"]
    return item


def compact(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


class TextItemSource(Source):
    """Base of kinds whose items carry free text with dates. Has no ``kind``: not registered."""

    options = ITEM_OPTIONS

    def items_kind(self) -> str:
        return self.option("item_kind") if "item_kind" in self.options else self.item_kind

    def finish(self, item: Item, text: str = "", anchor: datetime | None = None
               ) -> Item | None:
        """Apply the common options to a parsed item; None when ``include`` drops it.

        ``text`` is where dates are read from (title and summary when empty); ``anchor`` the
        page's own date missing years count from (default the item's publication date).
        """
        if "include" in self.options and not title_included(item.title,
                                                             self.option("include")):
            return None
        stamp(item, {k: self.option(k) for k in ("programme", "language")
                     if k in self.options})
        if "find_dates" not in self.options or self.option("find_dates"):
            found = find_item_dates(text or f"{item.title}\n{item.summary}",
                                    now=self.now, tz=self.settings.tz, language=item.language,
                                    anchor=anchor or item.published)
            apply_dates(item, found, now=self.now, tz=self.settings.tz)
        return item
