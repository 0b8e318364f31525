"""The Source base class and the registry of source kinds.

A source is a small class: a ``kind``, the extra keys it accepts in its ``[[source]]`` block
(``options``, as :class:`~monitor.config.settings.Key` schemas), and a :meth:`Source.parse` that turns
one response body into items. Multi-request sources (paging, detail pages) override
:meth:`Source.fetch`. The class docstring is the user documentation shown by
``monitor sources kinds``.
"""

from __future__ import annotations

import inspect
from datetime import datetime
from typing import Any, AsyncIterator, ClassVar

from monitor.config.settings import Key, Settings, SourceConfig
from monitor.errors import ParseError
from monitor.http.fetch import NotModified, SourceHTTP, read_json
from monitor.model import CALL, KINDS, Item, one_line, scrub, storable_text
from monitor.registry import Registry

__all__ = ["Source", "Registry", "registry"]

registry = Registry("source")


class Source:
    """Base class; subclasses document themselves in their docstring."""

    kind: ClassVar[str] = ""
    #: extra ``[[source]]`` keys this kind accepts, beyond name/kind/url/enabled
    options: ClassVar[dict[str, Key]] = {}
    #: what the items are, unless a source decides per item
    item_kind: ClassVar[str] = CALL

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("kind"):
            registry.add(cls)

    def __init__(self, config: SourceConfig, settings: Settings | None = None, *,
                 now: datetime) -> None:
        self.config = config
        self.settings = settings or Settings()
        #: the poll's time (from the caller; a parser never reads the clock): "today" for
        #: dates written without a year, and what has opened or closed
        self.now = now
        self.name = config.name
        self.url = config.url

    @classmethod
    def options_schema(cls) -> dict[str, Key]:
        return dict(cls.options)

    @classmethod
    def description(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    def option(self, key: str) -> Any:
        """A kind option's configured value, else the schema default (a fresh one when the
        default is a factory such as ``list``), so a source built without sources.toml's
        validation still reads real values."""
        if key in self.config.options:
            return self.config.options[key]
        default = self.options[key].default
        return default() if callable(default) else default

    async def fetch(self, http: SourceHTTP) -> list[Item]:
        """Fetch and parse. The default is one conditional GET of ``url``."""
        response = await http.get(self.url, conditional=True)
        if response.not_modified:
            raise NotModified(self.url)
        return self.parse(response.content, url=response.url, content_type=response.content_type)

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
