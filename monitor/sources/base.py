"""The Source base class and the registry of source kinds.

A source is a small class: a ``kind``, the extra keys it accepts in its ``[[source]]`` block
(``options``, as :class:`~monitor.config.settings.Key` schemas), the requests it makes and a
:meth:`Source.parse` that turns one response body into items. The class docstring is the
user documentation shown by ``monitor sources kinds``.

A source declares its requests, as list/detail page scrapers do: :meth:`Source.requests`
the first page of each listing it reads (default: one GET of ``url``),
:meth:`Source.next_request` the page after one, :meth:`Source.read` what one answer holds,
:meth:`Source.detail_request` and :meth:`Source.read_item_page` an item's own page (read after
the listings, at most ``max_details``) and :meth:`Source.complete` anything else read then. The base class
sends every request as a conditional GET: a page the server says is unchanged (304) costs no
parse, and when no page changed the whole source is unchanged (:class:`NotModified`). Only a
source whose requests are not GETs of listings (a POSTed query, a join of two answers)
overrides :meth:`Source.fetch` (one that joins its answers reads them with
:meth:`Source.read_together`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, AsyncIterator, ClassVar, Mapping

from monitor.config.settings import Key, Settings, SourceConfig
from monitor.errors import FetchError, ParseError, SourceError
from monitor.http.fetch import NotModified, Response, SourceHTTP, read_json
from monitor.model import CALL, KINDS, Item, one_line, scrub, storable_text
from monitor.registry import Plugin, Registry

__all__ = ["Source", "Request", "Registry", "registry"]


@dataclass(frozen=True)
class Request:
    """One GET a source declares; the base class sends it (conditionally unless told not to).

    ``page`` is its place in its listing (0 for the first page); ``context`` whatever the
    source needs to read the answer (a configured page, a document type, which of its
    listings this is).
    """

    url: str
    params: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None
    conditional: bool = True
    page: int = 0
    context: Any = None

    def following(self, **changes: Any) -> "Request":
        """The next page of the same listing, with ``changes`` (new ``params`` …)."""
        return replace(self, page=self.page + 1, **changes)


class Source(Plugin):
    """Base class; subclasses document themselves in their docstring."""

    registry = Registry("source")
    #: extra ``[[source]]`` keys this kind accepts, beyond name/kind/url/enabled
    options: ClassVar[dict[str, Key]] = {}
    #: what the items are, unless a source decides per item
    item_kind: ClassVar[str] = CALL

    def __init__(self, config: SourceConfig, settings: Settings | None = None, *,
                 now: datetime) -> None:
        self.config = config
        self.settings = settings or Settings()
        #: the poll's time (from the caller; a parser never reads the clock): "today" for
        #: dates written without a year, and what has opened or closed
        self.now = now
        self.name = config.name
        self.url = config.url

    def option(self, key: str) -> Any:
        """A kind option's configured value, else the schema default (a fresh one when the
        default is a factory such as ``list``), so a source built without sources.toml's
        validation still reads real values."""
        if key in self.config.options:
            return self.config.options[key]
        default = self.options[key].default
        return default() if callable(default) else default

    def request(self) -> Request:
        """The first request; the default is a GET of ``url``."""
        return Request(self.url)

    def requests(self) -> list[Request]:
        """The first request of each listing the source reads (several feeds, pages …)."""
        return [self.request()]

    def next_request(self, request: Request, response: Response | None) -> Request | None:
        """The page after ``request``, None when its listing ends (the default: one page).

        ``response`` is None when the server said the page is unchanged (304): whether
        another page follows is then unknown, and a request returned for that case is sent
        only when an earlier poll read it (its validators are held; a listing that got
        shorter, HTTP 400 or 404 for that page, then ends quietly).
        """
        return None

    def read(self, response: Response, request: Request) -> list[Item]:
        """The items of one answer; the default is :meth:`parse` of its body."""
        return self.parse(response.content, url=response.url,
                          content_type=response.content_type)

    def detail_request(self, item: Item) -> Request | None:
        """The request for an item's own page (its detail page); None: none to read (the
        default)."""
        return None

    def read_item_page(self, item: Item, response: Response) -> None:
        """What an item's own page adds to it (deadlines written only there …)."""
        raise NotImplementedError

    async def complete(self, http: SourceHTTP, items: list[Item]) -> list[Item]:
        """What is read after the listings changed; the default: the items' own pages."""
        await self.read_item_pages(http, items)
        return items

    async def read_item_pages(self, http: SourceHTTP, items: list[Item]) -> None:
        """The detail page of each of the first ``max_details`` items that has one.

        One missing page (moved, 404) must not hide the other items: its error is kept on the
        item. When every page fails the listing is likely wrong, so the first error is raised.
        """
        limit = self.option("max_details") if "max_details" in self.options else len(items)
        tried = [(item, request) for item in items[:limit]
                 if (request := self.detail_request(item)) is not None]
        errors: list[SourceError] = []
        for item, request in tried:
            try:
                self.read_item_page(item, await self.send(http, request))
            except SourceError as exc:
                item.extra["detail_error"] = str(exc)
                errors.append(exc)
        if tried and len(errors) == len(tried):
            raise errors[0]

    async def fetch(self, http: SourceHTTP) -> list[Item]:
        """Every declared listing with conditional GETs, then :meth:`complete`."""
        return await self.complete(http, await self.read_listings(http))

    async def read_listings(self, http: SourceHTTP) -> list[Item]:
        """Send the declared requests. A page the server says is unchanged gives no items
        this poll (its items are stored); when none changed, raise :class:`NotModified`."""
        firsts = self.requests()
        items: list[Item] = []
        changed = False
        for request in firsts:
            current: Request | None = request
            blind = False  # reading on after a 304, where the listing may have got shorter
            while current is not None:
                try:
                    response = await self.send(http, current)
                except FetchError as exc:
                    if blind and exc.status in (400, 404):
                        break
                    raise
                if response.not_modified:
                    current, blind = self._after_unchanged(http, current), True
                    continue
                changed, blind = True, False
                items += self.read(response, current)
                current = self.next_request(current, response)
        if firsts and not changed:
            raise NotModified(firsts[0].url)
        return items

    async def read_together(self, http: SourceHTTP) -> list[Response]:
        """The answers to every declared request, for a source that joins them (calls and
        their rounds): sent as conditional GETs; when none changed, :class:`NotModified`;
        else one the server said is unchanged is asked again without validators, as the
        join needs every answer whole."""
        firsts = self.requests()
        answers = [await self.send(http, request) for request in firsts]
        if all(answer.not_modified for answer in answers):
            raise NotModified(self.url)
        return [await self.send(http, replace(request, conditional=False))
                if answer.not_modified else answer for request, answer in zip(firsts, answers)]

    @staticmethod
    async def send(http: SourceHTTP, request: Request) -> Response:
        return await http.get(request.url, params=dict(request.params) if request.params else None,
                              headers=dict(request.headers) if request.headers else None,
                              conditional=request.conditional)

    def _after_unchanged(self, http: SourceHTTP, request: Request) -> Request | None:
        following = self.next_request(request, None)
        if following is None or not http.has_validators(
                following.url, params=dict(following.params) if following.params else None):
            return None
        return following

    async def pages(self, http: SourceHTTP) -> AsyncIterator[list[Item]]:
        """The items page by page: ingest stores each page, with the HTTP validators read so
        far, before the next is read, so a large source is never held whole in memory. The
        default is :meth:`fetch` as one page; a source that reads many pages yields each."""
        yield await self.fetch(http)

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        """Turn one response body into items. Raise ParseError when it is not understood."""
        raise NotImplementedError

    def test_parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        """One saved response of any page the source reads (``monitor sources test``).

        The default is :meth:`parse`; sources that also read detail pages recognise those.
        """
        return self.parse(body, url=url, content_type=content_type)

    def parse_json(self, body: bytes, url: str, *, expected: str = "JSON") -> Any:
        """The body as JSON, else a ParseError naming the cause (also for JSON nested too
        deeply to read)."""
        try:
            return read_json(body)
        except ValueError as exc:
            what = "response is not JSON" if expected == "JSON" else f"not {expected}"
            raise self.parse_error(f"{what} ({exc})", url) from exc

    def parse_error(self, message: str, url: str | None = None) -> ParseError:
        where = f"{url}: " if url else ""
        return ParseError(f"{where}{message}", source=self.name, url=url)

    def check_items(self, items: list[Item]) -> list[Item]:
        """Stamp the source name on items, make their text storable (one-line titles, no
        control characters or lone surrogates) and refuse ones that lack what every item
        needs."""
        for item in items:
            item.source = self.name
            clean_item_text(item)
            if item.kind not in KINDS:
                raise self.parse_error(f"item {item.native_id!r} has kind {item.kind!r}")
            missing = [name for name, value in (("id", item.native_id), ("title", item.title),
                                                ("link", item.url)) if not value]
            if missing:
                raise self.parse_error(f"item {item.native_id or item.title or item.url or '?'!r} "
                                       f"has no {' and no '.join(missing)}", self.url)
        return items


registry = Source.registry


def clean_item_text(item: Item) -> None:
    """Whatever a server sent, an item's text can be stored, mailed and shown: garbage in one
    title must not fail the source's every poll (a lone surrogate cannot be stored) nor put
    a line break into a one-line title."""
    item.native_id = one_line(str(item.native_id))
    item.title = one_line(item.title or "")
    item.url = one_line(item.url or "")
    item.summary = storable_text(item.summary or "")
    for name in ("programme", "language", "status"):
        value = getattr(item, name)
        if isinstance(value, str):
            setattr(item, name, one_line(value))
    item.extra = scrub(item.extra)
    item.raw = scrub(item.raw)
