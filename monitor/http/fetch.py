"""HTTP for sources: one shared httpx client with the monitor's manners.

- a clear User-Agent; a timeout on every request as a whole (connect, wait and body);
- at most one request at a time per host, whatever the number of sources on it;
- a streamed body cap: a response larger than ``max_body_bytes`` (after decompression, so a
  gzip bomb is caught too) is aborted; the body is decompressed here, at most 64 KiB at a
  time, so a bomb costs no more memory than the cap (httpx would expand a whole 64 KiB
  network read, ~64 MB of zeros, before the cap is looked at);
- retries with exponential backoff on 429, 5xx and connection errors, honouring
  ``Retry-After`` (seconds or HTTP date) up to ``max_retry_after``; a timeout is not retried,
  so a hanging server costs one timeout, not several;
- a source fetches only from its own host and its ``allowed_hosts``, and a redirect is
  held to the same rule at every hop, so neither a link nor a redirect can make it fetch an
  intranet or cloud-metadata address;
- conditional GET: ETag / Last-Modified are sent back and a 304 costs no parse. The new
  validators are only *collected* here; ingest saves them together with the items, so a
  failure between fetch and store can never make the next poll skip unseen content.
  Validators older than ``REVALIDATE_AFTER`` are not sent: items whose dates are read
  relative to today ("1 februari" is the next 1 February, a yearly deadline rule) are then
  read again at least once a day, however long the page stays unchanged.
"""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, AsyncIterator, Awaitable, Callable, Iterable, Protocol
from urllib.parse import urlsplit

import httpx

from monitor.config.settings import HttpSettings
from monitor.errors import FetchError
from monitor.http.body import ACCEPT_ENCODING, Decoder
from monitor.http.hosts import HOSTS_EXTENSION, SOURCE_EXTENSION, check_redirect_host
from monitor.http.response import (NotModified, Response, http_date_timestamp, read_json,
                                   request_url, retry_after_seconds)

__all__ = ["Fetcher", "SourceHTTP", "Response", "NotModified", "SOURCE_EXTENSION",
           "REVALIDATE_AFTER", "request_url", "read_json", "retry_after_seconds"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REVALIDATE_AFTER = timedelta(days=1)


class ValidatorLookup(Protocol):
    def validators(self, url: str, *, since: datetime | None = None,
                   ) -> tuple[str | None, str | None]: ...


class Fetcher:
    """The shared client. ``async with Fetcher(settings) as fetcher: fetcher.for_source(name)``.

    ``transport`` replaces the network (tests, replay); ``validators`` is where conditional-GET
    validators are looked up (the store), those saved before ``validators_since`` ignored;
    ``sleep`` is injectable so retries can be tested.
    """

    def __init__(self, settings: HttpSettings, *, transport: httpx.AsyncBaseTransport | None = None,
                 validators: ValidatorLookup | None = None,
                 validators_since: datetime | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.settings = settings
        self._transport = transport
        self._validators = validators
        self._validators_since = validators_since
        self._sleep = sleep
        self._host_locks: dict[str, asyncio.Lock] = {}
        self.client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> "Fetcher":
        self.client = httpx.AsyncClient(
            transport=self._transport,
            timeout=httpx.Timeout(self.settings.timeout),
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=True,
            max_redirects=self.settings.max_redirects,
            event_hooks={"request": [check_redirect_host]},
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.client is not None:
            await self.client.aclose()

    def for_source(self, name: str, url: str | None = None,
                   allowed_hosts: Iterable[str] = ()) -> "SourceHTTP":
        """HTTP for one source. With ``url``, requests go only to that URL's host and the
        ``allowed_hosts``: a listing that links elsewhere (or to a private address) does not
        make the monitor fetch it."""
        hosts = frozenset(h.lower() for h in allowed_hosts)
        if url is not None:
            hosts |= {(urlsplit(url).hostname or "").lower()}
        return SourceHTTP(self, name, allowed_hosts=hosts or None)

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) to send with a conditional GET of ``url``, if any."""
        if self._validators is None:
            return None, None
        return self._validators.validators(url, since=self._validators_since)

    def _lock(self, url: str) -> asyncio.Lock:
        host = urlsplit(url).netloc.lower()
        if host not in self._host_locks:
            self._host_locks[host] = asyncio.Lock()
        return self._host_locks[host]

    async def request(self, source: str, method: str, url: str, *,
                      allowed_hosts: frozenset[str] | None = None, **kwargs: Any) -> Response:
        """Send with retries; return the whole response, or raise FetchError. With
        ``allowed_hosts``, a redirect to any other host is refused."""
        assert self.client is not None, "use 'async with Fetcher(...)'"
        settings = self.settings
        attempt = 0
        while True:
            wait: float | None = None
            async with self._lock(url):
                try:
                    async with asyncio.timeout(settings.timeout):
                        response = await self._send_once(source, method, url, allowed_hosts,
                                                         **kwargs)
                except (TimeoutError, httpx.TimeoutException):
                    raise FetchError(f"{url}: no answer within {settings.timeout:g} s",
                                     source=source, url=url) from None
                except httpx.TooManyRedirects:
                    raise FetchError(f"{url}: more than {settings.max_redirects} redirects",
                                     source=source, url=url) from None
                except httpx.UnsupportedProtocol as exc:
                    raise FetchError(f"{url}: refused, only http and https are fetched ({exc})",
                                     source=source, url=url) from None
                except httpx.InvalidURL as exc:  # a link in a response with control characters
                    raise FetchError(f"{url!r}: not a valid URL ({exc})",
                                     source=source, url=url) from None
                except httpx.TransportError as exc:
                    if attempt >= settings.retries:
                        raise FetchError(f"{url}: network error: {exc or type(exc).__name__}",
                                         source=source, url=url) from None
                    wait = settings.backoff * 2 ** attempt
                else:
                    if response.status in RETRY_STATUSES and attempt < settings.retries:
                        asked = retry_after_seconds(
                            response.headers.get("retry-after"),
                            http_date_timestamp(response.headers.get("date")))
                        if asked is not None and asked > settings.max_retry_after:
                            raise FetchError(
                                f"{url}: HTTP {response.status}, server asks to wait "
                                f"{asked:.0f} s (more than max_retry_after "
                                f"{settings.max_retry_after:g} s)",
                                source=source, url=url, status=response.status)
                        wait = max(settings.backoff * 2 ** attempt, asked or 0.0)
                    elif response.status >= 400:
                        raise FetchError(f"{url}: HTTP {response.status}", source=source,
                                         url=url, status=response.status)
                    else:
                        return response
            attempt += 1
            await self._sleep(wait)

    async def _send_once(self, source: str, method: str, url: str,
                         allowed_hosts: frozenset[str] | None, **kwargs: Any) -> Response:
        assert self.client is not None
        url = request_url(url, kwargs.pop("params", None))
        request = self.client.build_request(method, url, **kwargs)
        request.extensions[SOURCE_EXTENSION] = source
        if allowed_hosts is not None:
            request.extensions[HOSTS_EXTENSION] = (request.url.host, allowed_hosts)
        response = await self.client.send(request, stream=True)
        try:
            cap = self.settings.max_body_bytes
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise FetchError(f"{url}: response of {int(declared)} bytes is larger than the "
                                 f"cap of {cap} bytes (max_body_bytes)", source=source, url=url,
                                 status=response.status_code)
            try:
                decoder = Decoder(response.headers.get("content-encoding", ""))
            except ValueError as exc:
                raise FetchError(f"{url}: {exc}", source=source, url=url,
                                 status=response.status_code) from None

            async def pieces() -> AsyncIterator[bytes]:
                if response.is_stream_consumed:  # built in memory (replay, mock): decoded
                    yield response.content
                    return
                async for raw in response.aiter_raw():
                    for piece in decoder.feed(raw):
                        yield piece
                yield decoder.flush()

            chunks: list[bytes] = []
            size = 0
            try:
                async for chunk in pieces():
                    size += len(chunk)
                    if size > cap:
                        raise FetchError(f"{url}: response body larger than the cap of {cap} "
                                         f"bytes (max_body_bytes); aborted", source=source,
                                         url=url, status=response.status_code)
                    chunks.append(chunk)
            except zlib.error as exc:
                raise FetchError(f"{url}: the body is not valid {decoder.coding} data ({exc})",
                                 source=source, url=url, status=response.status_code) from None
        finally:
            await response.aclose()
        return Response(url=str(response.url), status=response.status_code,
                        headers=response.headers, content=b"".join(chunks))


@dataclass
class SourceHTTP:
    """HTTP as one source sees it: requests are tagged with the source's name, validators
    for conditional GET are collected, and the last HTTP status is kept for the poll log."""

    fetcher: Fetcher
    source: str
    allowed_hosts: frozenset[str] | None = None
    pending_validators: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    last_status: int | None = None
    requests: int = 0

    async def get(self, url: str, *, params: dict[str, Any] | None = None,
                  headers: dict[str, str] | None = None, conditional: bool = False) -> Response:
        """GET ``url``. With ``conditional``, a 304 comes back as a response with
        ``not_modified`` true (sources usually raise :class:`NotModified` on it).
        Validators are kept per URL with its ``params`` (each page of a listing its own)."""
        headers = dict(headers or {})
        key = request_url(url, params)
        if conditional:
            etag, modified = self.fetcher.validators(key)
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        response = await self._request("GET", url, params=params, headers=headers)
        if conditional and response.status == 200:
            etag = response.headers.get("etag")
            modified = response.headers.get("last-modified")
            if etag or modified:
                self.pending_validators.append((key, etag, modified))
        return response

    def has_validators(self, url: str, *, params: dict[str, Any] | None = None) -> bool:
        """Whether a conditional GET of ``url`` with ``params`` would send validators, i.e.
        an earlier poll read that page (and not too long ago)."""
        return any(self.fetcher.validators(request_url(url, params)))

    async def post(self, url: str, **kwargs: Any) -> Response:
        return await self._request("POST", url, **kwargs)

    async def _request(self, method: str, url: str, **kwargs: Any) -> Response:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError as exc:  # "http://[broken": a link the page wrote wrong
            raise FetchError(f"{url}: not a valid URL ({exc})", source=self.source,
                             url=url) from exc
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            raise FetchError(f"{url}: refused, not on the source's host "
                             f"({', '.join(sorted(self.allowed_hosts))}); add the host to "
                             f"allowed_hosts if it is trusted", source=self.source, url=url)
        self.requests += 1
        try:
            response = await self.fetcher.request(self.source, method, url,
                                                  allowed_hosts=self.allowed_hosts, **kwargs)
        except FetchError as exc:
            self.last_status = exc.status
            raise
        self.last_status = response.status
        return response
