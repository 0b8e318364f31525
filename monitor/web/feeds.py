"""``/feeds/{committee}.ics`` and ``/feeds/{committee}.atom`` (``all`` for every committee).

The calendar is :func:`monitor.decisions.calendar_export.build_calendar` with the KS hand-in day added,
so Outlook's "subscribe to calendar" refreshes the same events (stable UIDs). The Atom feed
lists the newest calls and legislation first seen, built with feedgen (which escapes every
text); an entry links the source only when its address is plain http(s), else this site's
call page.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from feedgen.feed import FeedGenerator
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor.config.committees import committees
from monitor.decisions.calendar_export import build_calendar
from monitor.mail.message import safe_href
from monitor.model import from_iso
from monitor.store.rows import ItemQuery, StoredItem
from monitor.text.i18n import add_messages, t
from monitor.web.context import WebContext, bound, item_path
from monitor.web.params import check_params, resolve_committee

__all__ = ["routes", "ATOM_ENTRIES"]

ATOM_ENTRIES = 50
ALL = "all"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

add_messages({
    "web.atom_title": {"sv": "Nya utlysningar och lagstiftning", "en": "New calls and legislation"},
    "web.atom_title_committee": {"sv": "Nytt för {name}", "en": "New for {name}"},
    "web.unknown_feed": {"sv": "Okänt flöde {name!r}: ange en nämnd ({valid}) eller all.",
                         "en": "Unknown feed {name!r}: give a committee ({valid}) or all."},
})


def _text(value: Any) -> str:
    return _NOT_XML.sub("", str(value or ""))


def _committee(web: WebContext, request: Request, lang: str) -> str | None:
    check_params(request.query_params, ("lang",), lang)
    name = request.path_params["committee"]
    if name == ALL:
        return None
    try:
        return resolve_committee(web.config, name, lang)
    except HTTPException:
        raise HTTPException(404, t("web.unknown_feed", lang, name=name,
                                   valid=", ".join(committees(web.config)))) from None


def calendar_feed(web: WebContext, request: Request) -> Response:
    lang = web.lang(request)
    committee = _committee(web, request, lang)

    def build() -> bytes:
        now = web.clock()
        web.store.roll_forward(now)
        return build_calendar(web.config, web.store, committee=committee, lang=lang, now=now,
                              ks_step=True)
    name = committee or ALL
    return _cached(web, request, ("ics", name, lang), build, "text/calendar; charset=utf-8",
                   {"content-disposition": f'inline; filename="{name}.ics"'})


def atom_feed(web: WebContext, request: Request) -> Response:
    lang = web.lang(request)
    committee = _committee(web, request, lang)

    def build() -> bytes:
        rows = web.store.query_items(ItemQuery(  # eligible only: as the calendar and digests
            committee=committee, order="first_seen", limit=ATOM_ENTRIES, eligible_only=True),
            now=web.clock())
        return build_atom(web, request, rows, committee, lang)
    return _cached(web, request, ("atom", committee or ALL, lang, str(request.url)), build,
                   "application/atom+xml; charset=utf-8")


def _cached(web: WebContext, request: Request, key: tuple[str, ...], build: Any,
            media_type: str, headers: dict[str, str] | None = None) -> Response:
    """A feed from the cache while the database is unchanged and it is younger than
    ``FEED_CACHE_SECONDS``; with an ETag, so a calendar client's conditional GET gets 304."""
    body = web.feed_cache(key, build)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**(headers or {}), "etag": etag, "cache-control": "private, max-age=300"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _uid(*parts: str) -> str:
    return "urn:kommun-monitor:" + hashlib.sha256(":".join(parts).encode()).hexdigest()[:32]


def build_atom(web: WebContext, request: Request, rows: list[StoredItem],
               committee: str | None, lang: str) -> bytes:
    """The Atom document for these rows (newest first)."""
    base = str(request.base_url).rstrip("/")
    feed = FeedGenerator()
    feed.id(_uid("feed", committee or ALL))
    title = t("web.atom_title", lang)
    if committee:
        title = t("web.atom_title_committee", lang,
                  name=committees(web.config)[committee].display_name(lang))
    feed.title(title)
    feed.language(lang)
    feed.link(href=str(request.url), rel="self")
    feed.link(href=f"{base}/committees/{committee}" if committee else f"{base}/",
              rel="alternate")
    feed.author({"name": t("web.site", lang)})
    stamps = [from_iso(r.updated) for r in rows]
    feed.updated(max(stamps) if stamps else web.clock())
    for row in reversed(rows):  # feedgen puts the last added entry first
        entry = feed.add_entry()
        entry.id(_uid("item", row.id))
        entry.title(_text(row.title))
        page = base + item_path(row.id)
        entry.link(href=safe_href(row.url) or page, rel="alternate")
        entry.published(from_iso(row.first_seen))
        entry.updated(from_iso(row.updated))
        parts = [row.programme or "", ", ".join(row.committees), row.summary or ""]
        entry.summary(_text("\n".join(p for p in parts if p)))
        for name in row.committees:
            entry.category(term=name)
    return feed.atom_str(pretty=True)


def routes(web: WebContext) -> list[Route]:
    return [Route("/feeds/{committee}.ics", bound(web, calendar_feed), methods=["GET"]),
            Route("/feeds/{committee}.atom", bound(web, atom_feed), methods=["GET"])]
