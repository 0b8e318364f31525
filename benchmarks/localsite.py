"""Recorded responses served by a real local HTTP server that honours conditional GET.

Every request a source sends is rewritten by :class:`LocalSiteTransport` to
``http://127.0.0.1:<port>/<scheme>/<host><path>?<query>`` (the source, its URLs and its
host checks stay as configured), and the server answers from a route table: the replay
recordings of ``tests/fixtures/replay`` plus routes a benchmark adds. A 200 carries an ETag
(a hash of the body) and/or a Last-Modified date; a request whose If-None-Match or
If-Modified-Since matches gets a bodiless 304, as a well-behaved web server would answer.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import httpx

from monitor.http.fetch import SOURCE_EXTENSION
from monitor.http.replay import normalise_url

LAST_MODIFIED = "Sat, 21 Nov 2026 10:00:00 GMT"


@dataclass
class Route:
    """One response the site gives for a method and URL."""

    content_type: str
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LocalSite:
    """The server's routes and which validators it sends (``etag``, ``last_modified``)."""

    routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    etag: bool = True
    last_modified: bool = True

    def add(self, method: str, url: str, route: Route) -> None:
        self.routes[(method.upper(), normalise_url(url))] = route

    def add_replay(self, folder: Path) -> None:
        """Every recorded response of every source under a replay folder."""
        for index in sorted(folder.glob("*/index.json")):
            for entry in json.loads(index.read_text(encoding="utf-8")):
                body = (index.parent / entry["file"]).read_bytes()
                self.add(entry["method"], entry["url"],
                         Route(entry.get("content_type", ""), body, int(entry.get("status", 200))))

    def answer(self, method: str, url: str, headers: dict[str, str]) -> tuple[int, dict, bytes]:
        route = self.routes.get((method.upper(), normalise_url(url)))
        if route is None:
            return 404, {"Content-Type": "text/plain"}, b"not recorded"
        tag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
        sent = {"Content-Type": route.content_type, **route.headers}
        if self.etag:
            sent["ETag"] = tag
        if self.last_modified:
            sent["Last-Modified"] = LAST_MODIFIED
        if method.upper() == "GET" and route.status == 200 and _unchanged(self, tag, headers):
            return 304, {k: v for k, v in sent.items() if k != "Content-Type"}, b""
        return route.status, sent, route.body


def _unchanged(site: LocalSite, tag: str, headers: dict[str, str]) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    if site.etag and "if-none-match" in headers:
        return tag in [t.strip() for t in headers["if-none-match"].split(",")]
    since = headers.get("if-modified-since")
    if site.last_modified and since:
        try:
            return parsedate_to_datetime(since) >= parsedate_to_datetime(LAST_MODIFIED)
        except (TypeError, ValueError):
            return False
    return False


def serve(site: LocalSite) -> ThreadingHTTPServer:
    """Start the site on a free loopback port (a daemon thread); ``shutdown()`` it after."""
    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            scheme, _, rest = self.path.lstrip("/").partition("/")
            url = f"{scheme}://{rest}"
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, sent, body = site.answer(self.command, url, headers)
            self.send_response(status)
            for key, value in sent.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _any  # noqa: N815 - http.server's naming

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class LocalSiteTransport(httpx.AsyncBaseTransport):
    """Sends every request to the local site instead of its host; counts statuses per source.

    One per poll: the client closes its transport at the end of the poll's event loop.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.AsyncHTTPTransport()
        self.counts: dict[str, Counter] = defaultdict(Counter)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        url = request.url
        target = httpx.URL(scheme="http", host="127.0.0.1", port=self.port,
                           path=f"/{url.scheme}/{url.netloc.decode()}{url.path}",
                           query=url.query)
        local = httpx.Request(request.method, target, headers=request.headers, content=body,
                              extensions=request.extensions)
        response = await self.inner.handle_async_request(local)
        source = str(request.extensions.get(SOURCE_EXTENSION, "?"))
        self.counts[source][f"{request.method} {response.status_code}"] += 1
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def get_counts(counts: dict[str, Counter]) -> Iterator[tuple[str, int, int]]:
    """(source, GET requests, of which 304) for every source that sent a GET."""
    for source, counter in sorted(counts.items()):
        gets = sum(n for key, n in counter.items() if key.startswith("GET "))
        if gets:
            yield source, gets, counter["GET 304"]
