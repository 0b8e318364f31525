"""Poll cycle: 20 sources on a local server with 0.2-1 s latency each, against the slowest
single source and against polling them one after another."""

from __future__ import annotations

import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

from monitor.app import load_config, open_store
from monitor.pipeline.ingest import poll

from .bigstore import NOW
from .common import Figure, scratch_config

SOURCES = 20
ROWS = 50


def _latency(index: int) -> float:
    return 0.2 + 0.8 * index / (SOURCES - 1)


def _page(index: int) -> bytes:
    rows = [{"reference": f"{index}-{i}", "url": "", "summary": f"Call {i}", "language": "en",
             "metadata": {"type": ["1"], "identifier": [f"BENCH-{index}-{i}"],
                          "title": [f"Benchmark call {index}-{i}"], "status": ["31094502"],
                          "deadlineDate": ["2027-06-01T17:00:00.000+0000"],
                          "frameworkProgramme": ["43353764"]}} for i in range(ROWS)]
    return json.dumps({"totalResults": ROWS, "pageSize": 100, "results": rows}).encode()


def _servers() -> list[ThreadingHTTPServer]:
    """One server per source, each on its own loopback address (127.0.0.2 ...), so the
    per-host politeness lock treats them as the separate sites they stand for."""
    servers = []
    for index in range(SOURCES):
        # Class attributes, not closure variables: a closure would see the loop's last values,
        # and every server would answer as slowly as the slowest.
        class Handler(BaseHTTPRequestHandler):
            body, latency = _page(index), _latency(index)

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(self.latency)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(self.body)))
                self.end_headers()
                self.wfile.write(self.body)

            def log_message(self, *args: object) -> None:
                pass
        server = ThreadingHTTPServer((f"127.0.0.{index + 2}", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def _sources_toml(servers: list[ThreadingHTTPServer]) -> str:
    return "\n".join(
        f'[[source]]\nname = "s{i:02d}"\nkind = "sedia"\n'
        f'url = "http://{s.server_address[0]}:{s.server_address[1]}/search"\n'
        for i, s in enumerate(servers))


def _timed_poll(config, names=()) -> float:  # noqa: ANN001
    with open_store(config.settings.database) as store:
        started = time.perf_counter()
        reports = poll(config, store, names=names, now=NOW)
        elapsed = time.perf_counter() - started
    failed = [r for r in reports if r.failed]
    if failed:
        raise RuntimeError(f"{failed[0].source}: {failed[0].error}")
    return elapsed


def run(runs: int = 3) -> Iterator[Figure]:
    servers = _servers()
    try:
        with scratch_config(_sources_toml(servers)) as config_dir:
            config = load_config(config_dir)
            names = [s.name for s in config.sources]
            cycle = statistics.median(_timed_poll(config) for _ in range(runs))
            slowest = statistics.median(_timed_poll(config, [names[-1]]) for _ in range(runs))
            sequential = sum(_timed_poll(config, [n]) for n in names)
    finally:
        for server in servers:
            server.shutdown()
    yield Figure("poll_cycle_20_sources", cycle, "s",
                 baseline=f"slowest single source {slowest:.2f} s (ratio {cycle / slowest:.2f})",
                 goal="ratio <= 1.3")
    latency = sum(_latency(i) for i in range(SOURCES))
    overhead = (sequential - latency) / SOURCES * 1000
    yield Figure("poll_one_after_another", sequential, "s",
                 baseline=f"sum of latencies {latency:.1f} s, so {overhead:.0f} ms a poll besides "
                          f"waiting; concurrent cycle {cycle:.2f} s (speed-up "
                          f"{sequential / cycle:.1f}x)")
