"""Query: ``monitor calls`` on a store of 100,000 items, p50/p95, and process start-up.

The listings run through the CLI code path in-process (typer's CliRunner, the shipped
config, the table format unless said), on the 100,000-item store of ``bigstore.py``
(about 32,000 calls not closed). ``--limit 50`` is what a person reads; the full listing
(no limit, every call not closed) is timed too, in the table and in JSON. Start-up is
``python -m monitor calls --limit 50`` as a new process, against ``python -c pass`` and
against ``sqlite-utils query`` of the same 50 calls on the same database, also a new process
(issue 15's goal: within 1.5 times that), the three taking turns, wall-clock and CPU; last,
how long the first open takes when the full-text index must be rebuilt (an upgrade).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

from typer.testing import CliRunner

from monitor.cli import app

from .bigstore import NOW_ENV, pin_clock, store_copy
from .common import ROOT, Figure, percentile

SEARCH, COMMITTEE = "digital", "bun"
LIMITED = {
    "": (),
    " --search": ("--search", SEARCH),
    " --committee": ("--committee", COMMITTEE),
    " --search --committee": ("--search", SEARCH, "--committee", COMMITTEE),
}
FULL = {
    "": (),
    " --format json": ("--format", "json"),
    " --search": ("--search", SEARCH),
    " --committee": ("--committee", COMMITTEE),
}
GOAL = "p95 <= 200 ms"
STARTS = 10  # runs of each new process
# The 50 calls `monitor calls --limit 50` lists, as one query: the baseline of a new process.
BASELINE_SQL = ("SELECT id, title, status, deadline FROM items WHERE kind = 'call' "
                "AND status != 'closed' ORDER BY deadline IS NULL, deadline LIMIT 50")


def _timings(db: Path, args: tuple[str, ...], runs: int) -> tuple[list[float], int]:
    """Seconds of each run, and the output's line count."""
    runner = CliRunner()
    base = ["--config", str(ROOT / "config"), "--db", str(db), "calls"]
    times, lines = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = runner.invoke(app, [*base, *args], catch_exceptions=False)
        times.append(time.perf_counter() - started)
        if result.exit_code != 0:
            raise RuntimeError(f"calls {' '.join(args)}: exit {result.exit_code}")
        lines = result.output.count("\n")
    return times, lines


def _processes(commands: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall-clock and CPU seconds (user + system) of each command as a new process,
    the commands taking turns so that a busy machine slows them alike."""
    env = {**os.environ, **NOW_ENV, "PYTHONPATH": str(ROOT)}
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
            wall[name].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name]))
            for name in commands}


def _reindex(db: Path) -> tuple[float, int]:
    """Seconds for the first open of ``db`` after its search index is marked out of date."""
    from monitor.app import open_store
    with open_store(db) as store:
        store.conn.execute("DELETE FROM store_meta WHERE key = 'search_index'")
        count = store.count_items()
    started = time.perf_counter()
    open_store(db).close()
    return time.perf_counter() - started, count


def run(runs: int = 20, full_runs: int = 3) -> Iterator[Figure]:
    pin_clock()
    with tempfile.TemporaryDirectory(prefix="monitor-bench-query-") as tmp:
        db = store_copy(Path(tmp) / "query.db")
        _timings(db, ("--limit", "1"), 1)  # imports and the first page of the file cached
        for label, args in LIMITED.items():
            times, _ = _timings(db, ("--limit", "50", *args), runs)
            yield Figure(f"calls --limit 50{label} p50", percentile(times, 50) * 1000, "ms",
                         baseline=f"p95 {percentile(times, 95) * 1000:.0f} ms over {runs} runs",
                         goal=GOAL)
        for label, args in FULL.items():
            times, lines = _timings(db, args, full_runs)
            yield Figure(f"calls full listing{label} p50", percentile(times, 50) * 1000, "ms",
                         baseline=f"max {max(times) * 1000:,.0f} ms over {full_runs} runs; "
                                  f"{lines:,} lines of output", goal=GOAL)
        inproc, _ = _timings(db, ("--limit", "50"), 5)
        started = _processes({
            "monitor": [sys.executable, "-m", "monitor", "--config", str(ROOT / "config"),
                        "--db", str(db), "calls", "--limit", "50"],
            "sqlite-utils": [str(Path(sys.executable).with_name("sqlite-utils")), "query",
                             str(db), BASELINE_SQL],
            "python": [sys.executable, "-c", "pass"]}, STARTS)
        rebuild, count = _reindex(db)
    yield Figure("search index rebuilt on open", rebuild, "s",
                 baseline=f"{count:,} items, stems of every word (an older database's first "
                          "open by this version)")
    (startup, startup_cpu), (baseline, baseline_cpu) = started["monitor"], started["sqlite-utils"]
    bare, _ = started["python"]
    yield Figure("calls --limit 50 as a new process", startup * 1000, "ms",
                 baseline=f"CPU {startup_cpu * 1000:.0f} ms; python -c pass {bare * 1000:.0f} ms; "
                          f"in-process {statistics.median(inproc) * 1000:.0f} ms (median of "
                          f"{STARTS}, taking turns with the next)")
    yield Figure("sqlite-utils query of the same 50 calls", baseline * 1000, "ms",
                 baseline=f"CPU {baseline_cpu * 1000:.0f} ms; a new process on the same "
                          f"database (median of {STARTS})")
    yield Figure("calls --limit 50 / sqlite-utils query", startup / baseline, "x",
                 baseline=f"CPU time {startup_cpu / baseline_cpu:.2f} x", goal="<= 1.5 x")
