"""Web: server time of ``/`` and ``/api/calls?committee=bun`` on the 100,000-item store, p95.

The app of ``monitor web`` (the shipped config) is called in-process through Starlette's test
client, so the figure is the server's own time (routing, the store query, decide-by, the
template or JSON) without a network; each URL is requested once to warm up, then ``runs``
times. ``/`` shows the first 100 of about 32,000 calls not closed; the API its first 100
(``limit=10000``: every ``bun`` call not closed, as ``monitor calls --committee bun --format
json`` prints them). A feed is built once and then served from the cache while the database
is unchanged: the calendar's first build (every open bun call, up to three events each) is
its own figure.
"""

from __future__ import annotations

import tempfile
import time
import warnings
from pathlib import Path
from typing import Iterator

from monitor.app import load_config, open_store

from .bigstore import NOW, pin_clock, store_copy
from .common import ROOT, Figure, percentile

URLS = {"/": "/", "/?committee=bun": "/?committee=bun",
        "/api/calls?committee=bun": "/api/calls?committee=bun", "/calls/{id}": None,
        "/api/calls?committee=bun&limit=10000": "/api/calls?committee=bun&limit=10000",
        "/feeds/bun.atom": "/feeds/bun.atom", "/feeds/bun.ics": "/feeds/bun.ics"}
GOAL = "p95 <= 200 ms"


def _client(db: Path):  # noqa: ANN202 - starlette.testclient.TestClient
    from starlette.exceptions import StarletteDeprecationWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from starlette.testclient import TestClient
    from monitor.web.app import create_app
    return TestClient(create_app(load_config(ROOT / "config"), db, clock=lambda: NOW,
                                 open_store=open_store))


def measure(db: Path, runs: int = 30) -> Iterator[Figure]:
    with _client(db) as client:
        first = client.get("/api/calls?committee=bun&limit=1").json()[0]["id"]
        for label, url in URLS.items():
            url = url or f"/calls/{first}"
            started = time.perf_counter()
            response = client.get(url)  # warm-up: imports, templates, the file's pages
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
            if url.startswith("/feeds/"):
                yield Figure(f"web {label} first build", time.perf_counter() - started, "s",
                             baseline=f"{len(response.content) / 1024:,.0f} KiB")
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            size = len(response.content)
            yield Figure(f"web {label} p95", percentile(times, 95) * 1000, "ms",
                         baseline=f"p50 {percentile(times, 50) * 1000:.0f} ms, {runs} runs, "
                                  f"{size / 1024:,.0f} KiB", goal=GOAL)


def run(runs: int = 30) -> Iterator[Figure]:
    pin_clock()
    with tempfile.TemporaryDirectory(prefix="monitor-bench-web-") as tmp:
        yield from measure(store_copy(Path(tmp) / "web.db"), runs)
