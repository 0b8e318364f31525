"""What every route of the web page shares: the config, one read connection per worker
thread, the clock, the templates and the safety headers (see :mod:`monitor.web.app`)."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.config.settings import Config
from monitor.mail.message import long_date, safe_href
from monitor.model import CALL
from monitor.store.database import Store
from monitor.store.listing import list_items
from monitor.store.rows import ItemQuery
from monitor.text.i18n import add_messages, format_date, format_datetime, t
from monitor.web.params import (CALL_PARAMS, LEGISLATION_PARAMS, BadParameter, Filters, language,
                                parse_filters)

__all__ = ["WebContext", "SecurityHeaders", "CSP", "SECURITY_HEADERS", "bound", "item_path"]

HERE = Path(__file__).parent  # templates/ and static/
PREOPENED = 8  # connections opened at start; more threads than this open their own
FEED_CACHE_SECONDS = 600  # a feed is rebuilt at least this often (calendars: 10 minutes)
FEED_CACHE_ENTRIES = 64
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [(b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY")]

add_messages({
    "web.error_title": {"sv": "Fel {status}", "en": "Error {status}"},
    "web.not_found": {"sv": "Sidan finns inte: {path}", "en": "No such page: {path}"},
    "web.method": {"sv": "Sidan går bara att läsa (metoden {method} är inte tillåten).",
                   "en": "This page is read-only (method {method} not allowed)."},
    "web.server_error": {"sv": "Något gick fel på servern. Felet är loggat.",
                         "en": "Something went wrong on the server. The error is logged."},
    "web.back": {"sv": "Till startsidan", "en": "To the front page"},
})


class SecurityHeaders:
    """Adds the CSP and friends to every response, error pages and static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)
        await self.app(scope, receive, send_with_headers)


@dataclass(frozen=True)
class Listing:
    """One listing route's answer (:meth:`WebContext.listing`)."""

    lang: str
    filters: Filters
    rows: list[Any]
    more: bool  # more items matched than ``rows`` holds
    limit: int


class WebContext:
    """What every route needs: the config, a store per thread, the clock, the templates."""

    def __init__(self, config: Config, db_path: Path, clock: Callable[[], datetime],
                 open_store: Callable[[Path], Store]) -> None:
        self.config = config
        self._open = open_store
        self.db_path = db_path
        self.clock = clock
        self.tz = config.settings.tz
        self._local = threading.local()
        self._stores: list[Store] = []
        self._spare: queue.Queue[Store] = queue.Queue()
        self._feeds: dict[tuple[str, ...], tuple[tuple[int, ...], float, bytes]] = {}
        self._lock = threading.Lock()
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"),
                               autoescape=select_autoescape(default=True, default_for_string=True),
                               trim_blocks=True, lstrip_blocks=True)

    def fingerprint(self) -> tuple[int, ...]:
        """Changes with every commit by any process: the database file's and its write-ahead
        log's modification time and size, the last history row and poll."""
        stamps: list[int] = []
        for path in (self.db_path, Path(f"{self.db_path}-wal")):
            try:
                info = path.stat()
                stamps += [info.st_mtime_ns, info.st_size]
            except OSError:
                stamps += [0, 0]
        return (*stamps, *self.store.change_marks())

    def feed_cache(self, key: tuple[str, ...], build: Callable[[], bytes]) -> bytes:
        """``build()``'s bytes, reused while the database is unchanged and for at most
        ``FEED_CACHE_SECONDS`` (time alone moves cut-offs and statuses on)."""
        now = time.monotonic()
        stamp = self.fingerprint()
        with self._lock:
            cached = self._feeds.get(key)
        if cached and cached[0] == stamp and now - cached[1] < FEED_CACHE_SECONDS:
            return cached[2]
        body = build()
        with self._lock:
            if len(self._feeds) >= FEED_CACHE_ENTRIES:  # keys hold the Host header: bounded
                self._feeds.clear()
            self._feeds[key] = (self.fingerprint(), now, body)
        return body

    def open_stores(self, count: int = PREOPENED) -> None:
        """Open ``count`` connections now: opening one checks the schema under the write lock,
        which would make a page wait for a running poll; a worker thread takes one of these."""
        for _ in range(count):
            store = self._open(self.db_path)
            self._stores.append(store)
            self._spare.put(store)

    @property
    def store(self) -> Store:
        """This worker thread's connection (one per thread: sqlite3 objects are not shared)."""
        store = getattr(self._local, "store", None)
        if store is None:
            try:
                store = self._spare.get_nowait()
            except queue.Empty:
                store = self._open(self.db_path)
                with self._lock:
                    self._stores.append(store)
            self._local.store = store
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._stores:
                store.close()
            self._stores.clear()

    def lang(self, request: Request) -> str:
        return language(request.query_params, self.config)

    def listing(self, request: Request, kind: str, default_limit: int) -> Listing:
        """The calls (``kind`` CALL, by deadline) or legislation (newest first) the request's
        filters select: its first ``limit`` (``default_limit`` when not given), asked for one
        more to tell whether more matched."""
        lang = self.lang(request)
        call = kind == CALL
        filters = parse_filters(request.query_params, self.config, lang,
                                CALL_PARAMS if call else LEGISLATION_PARAMS)
        limit = filters.limit or default_limit
        rows = list_items(self.config, self.store, ItemQuery(
            kind=kind, order="deadline" if call else "published", limit=limit + 1,
            **(filters.call_query() if call else filters.legislation_query())),
            now=self.clock(), lang=lang)
        return Listing(lang, filters, rows[:limit], len(rows) > limit, limit)

    def render(self, request: Request, template: str, status: int = 200,
               **context: Any) -> HTMLResponse:
        lang = context.pop("lang", None) or self.safe_lang(request)
        tz = self.tz

        def url(path: str, params: list[tuple[str, str]] | dict[str, Any] = (), **more: Any
                ) -> str:
            pairs = list(params.items()) if isinstance(params, dict) else list(params)
            pairs += [(k, v) for k, v in more.items() if v is not None]
            if lang != self.config.settings.language:
                pairs.append(("lang", lang))
            return path + ("?" + urlencode(pairs) if pairs else "")

        other = "en" if lang == "sv" else "sv"
        switch = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        switch += [("lang", other)] if other != self.config.settings.language else []
        lang_href = request.url.path + ("?" + urlencode(switch) if switch else "")
        html = self.env.get_template(template).render(lang_href=lang_href,
            request=request, lang=lang, t=lambda key, **v: t(key, lang, **v), url=url,
            other_lang=other, default_lang=self.config.settings.language,
            when=lambda v: format_datetime(v, tz), day=lambda v: format_date(v, tz),
            long=lambda v: long_date(v, tz, lang), href=safe_href, item_path=item_path,
            **context)
        return HTMLResponse(html, status_code=status)

    def safe_lang(self, request: Request) -> str:
        """The request's language, or the configured one when ``lang`` itself is bad."""
        try:
            return self.lang(request)
        except BadParameter:
            return self.config.settings.language


def item_path(item_id: str) -> str:
    """The call page of an item; its id quoted so no character of it leaves the path."""
    return "/calls/" + quote(item_id, safe=":")


def bound(web: WebContext, fn: Callable[[WebContext, Request], Response]
          ) -> Callable[[Request], Response]:
    """A route endpoint calling ``fn(web, request)``; a plain function, so Starlette runs it
    in its thread pool (SQLite reads block)."""
    def endpoint(request: Request) -> Response:
        return fn(web, request)
    endpoint.__name__ = fn.__name__
    return endpoint


