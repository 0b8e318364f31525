"""What a request gives back: the finished :class:`Response` (its whole capped body), the URL
a request with parameters goes to, and the server's own word on when to retry."""

from __future__ import annotations

import email.utils
import json
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["Response", "NotModified", "request_url", "read_json", "retry_after_seconds",
           "http_date_timestamp"]


class NotModified(Exception):
    """Raised by a source when the server answered 304: nothing to parse, nothing changed."""


def request_url(url: str, params: dict[str, Any] | None = None) -> str:
    """The URL a request with ``params`` goes to: the URL's own query merged with them.

    httpx would replace a URL's own query with ``params``; sources configure URLs with a
    query (apiKey=SEDIA, feedbackStatus=OPEN ...) and add paging on top.
    """
    return str(httpx.URL(url).copy_merge_params(params)) if params else url


@dataclass
class Response:
    """A finished response with its whole (capped) body."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def text(self) -> str:
        # only the charset matters: ``content`` is decompressed already, so the original
        # Content-Encoding must not be applied to it again
        headers = {"content-type": self.content_type} if self.content_type else {}
        return httpx.Response(self.status, headers=headers, content=self.content).text

    def json(self) -> Any:
        from monitor.errors import ParseError
        try:
            return read_json(self.content)
        except ValueError as exc:
            raise ParseError(f"{self.url}: response is not JSON ({exc})", url=self.url,
                             status=self.status) from exc


def read_json(data: bytes | str) -> Any:
    """``json.loads``, except that JSON nested too deeply for the json module (it raises
    RecursionError) is a ValueError like any other JSON that cannot be read."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("nested too deeply to read") from None


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds to wait: an integer, or an HTTP date counted from ``now``.

    ``now`` is the server's own time (its ``Date`` header, as RFC 9110 intends), so this module
    never reads the local clock; a date without ``now`` gives None (the usual backoff).
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None or now is None:
        return None
    return max(0.0, when.timestamp() - now)


def http_date_timestamp(value: str | None) -> float | None:
    """An HTTP ``Date`` header as a POSIX timestamp, None when absent or unreadable."""
    try:
        when = email.utils.parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    return when.timestamp() if when is not None else None
