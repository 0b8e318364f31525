"""Memory: peak RSS of a poll of 100,000 items and of a digest run, each in its own process.

The poll is the EU portal kind (``sedia``, the largest real source) reading 1,000 pages of
100 calls from a local server, rows shaped like the recorded portal rows with the title and
summary of ``synthetic_items`` (the summary also as the HTML description; live descriptions
run longer, and memory and tagging time grow with the text: see ``bench_tagging``), then
storing, tagging and grouping them. The digest run
is ``bench_digest``'s 10 digests over the 100,000-item store. The baseline is a process that
only imports the monitor, reads the configuration and opens the store. Peak RSS is the
child's own high-water mark (``VmHWM``; ``ru_maxrss`` would carry this process's peak into
the child across fork and exec, see ``common.peak_rss_mb``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

from monitor.app import load_config

from .bench_digest import prepare
from .bigstore import NOW_ENV, pin_clock, store_copy
from .common import ROOT, Figure, scratch_config
from .synthetic import synthetic_items

PAGES, PAGE_SIZE = 1000, 100
PORTAL = "https://api.portal.example/search?apiKey=SEDIA&text=***"
SOURCES = f"""[[source]]
name = "portal"
kind = "sedia"
url = "{PORTAL}"
"""


def _row(page: int, index: int, item: Any) -> dict[str, Any]:
    stamp = "%Y-%m-%dT%H:%M:%S.000+0000"
    identifier = f"BENCH-{page}-{index}"
    description = f"<p>{item.summary}</p>"
    return {"reference": f"{page}{index:03d}TOPICSen", "summary": item.title,
            "url": f"https://ec.europa.eu/topic-details/{identifier}", "language": "en",
            "metadata": {
                "type": ["1"], "identifier": [identifier], "title": [item.title],
                "callIdentifier": [identifier.rsplit("-", 1)[0]], "callTitle": [item.title[:40]],
                "status": ["31094502"], "frameworkProgramme": ["43353764"],
                "programmePeriod": ["2021 - 2027"], "DATASOURCE": ["SEDIA"],
                "startDate": [(item.opens or item.deadlines[0]).strftime(stamp)]
                if item.deadlines else [],
                "deadlineDate": [d.strftime(stamp) for d in item.deadlines],
                "deadlineModel": ["single-stage"], "typesOfAction": ["Lump sum grants"],
                "descriptionByte": [description]}}


def page_body(page: int) -> bytes:
    """Page ``page`` (1-based) of the portal's answer; generated on request, deterministic."""
    items = synthetic_items(PAGE_SIZE, seed=page)
    rows = [_row(page, i, item) for i, item in enumerate(items)]
    return json.dumps({"totalResults": PAGES * PAGE_SIZE, "pageNumber": page,
                       "pageSize": PAGE_SIZE, "results": rows}).encode()


def _portal() -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            page = int(parse_qs(urlsplit(self.path).query)["pageNumber"][0])
            body = page_body(page)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _child(*args: str) -> dict[str, float]:
    env = {**os.environ, **NOW_ENV, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "benchmarks.memory_child", *args], env=env,
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"memory_child {args[0]}: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> Iterator[Figure]:
    pin_clock()
    server = _portal()
    try:
        with scratch_config(SOURCES) as config_dir:
            settings = config_dir / "settings.toml"
            settings.write_text(settings.read_text(encoding="utf-8").replace(
                "max_pages = 50", f"max_pages = {PAGES}"), encoding="utf-8")
            db = str(load_config(config_dir).settings.database)
            idle = _child("idle", str(config_dir), db)
            polled = _child("poll", str(config_dir), db, str(server.server_address[1]))
    finally:
        server.shutdown()
    yield Figure(f"peak_rss_poll_{polled['items']:,.0f}_items", polled["rss_mb"], "MB",
                 baseline=f"idle process {idle['rss_mb']:.0f} MB; poll took "
                          f"{polled['seconds']:.0f} s ({PAGES} pages of {PAGE_SIZE})")
    with tempfile.TemporaryDirectory(prefix="monitor-bench-memory-") as tmp:
        db = str(store_copy(Path(tmp) / "memory.db"))
        prepare(Path(db), load_config(ROOT / "config"))
        digests = _child("digest", str(ROOT / "config"), db)
    yield Figure("peak_rss_digests_week", digests["rss_mb"], "MB",
                 baseline=f"idle process {idle['rss_mb']:.0f} MB; {digests['items']:,.0f} "
                          f"entries in {digests['seconds']:.1f} s")
