"""Kill the process (SIGKILL) at 20 random points of a poll: nothing lost, nothing doubled."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from werkzeug import Request, Response

from monitor.app import load_config, open_store
from monitor.pipeline.ingest import poll
from tests.conftest import NOW
from tests.factories import sedia_page, sedia_row, sources_toml

SOURCES, PAGES, PER_PAGE = 3, 8, 100
KILLS = 20


def serve(httpserver) -> None:
    def handler(request: Request) -> Response:
        source = int(request.path.rsplit("/", 1)[1])
        page = int(request.args["pageNumber"])
        start = (source * PAGES + page - 1) * PER_PAGE
        time.sleep(0.01)
        rows = [sedia_row(i) for i in range(start, start + PER_PAGE)]
        return Response(sedia_page(rows, total=PAGES * PER_PAGE, page=page),
                        content_type="application/json")
    httpserver.expect_request("/search/0").respond_with_handler(handler)
    httpserver.expect_request("/search/1").respond_with_handler(handler)
    httpserver.expect_request("/search/2").respond_with_handler(handler)


def polls_started(database: Path) -> int:
    """Rows in the poll log: a poll's first write is its row there."""
    if not database.exists():
        return 0
    with closing(sqlite3.connect(database, timeout=10)) as conn:
        try:
            return conn.execute("SELECT count(*) FROM polls").fetchone()[0]
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0


def started_writing(process: subprocess.Popen, database: Path, before: int) -> bool:
    """Wait until the process has made its first write of a poll (or has ended)."""
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if polls_started(database) > before:
            return True
        time.sleep(0.005)
    return polls_started(database) > before


def poll_process(config_dir: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config_dir),
                             *extra, "poll"], cwd=config_dir, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def test_sigkill_during_polls_loses_and_doubles_nothing(httpserver, config_dir, figure):  # noqa: ANN001
    serve(httpserver)
    (config_dir / "sources.toml").write_text("\n".join(
        sources_toml(httpserver.url_for(f"/search/{s}"), name=f"eu{s}") for s in range(SOURCES)))
    config = load_config(config_dir)
    database = Path(config.settings.database)
    # time one whole poll (into another database) from its first write to its end, so the
    # kills spread over the part of a poll's life that writes, not over Python's start-up
    timing = database.with_suffix(".timing")
    process = poll_process(config_dir, "--db", str(timing))
    assert started_writing(process, timing, 0)
    started = time.monotonic()
    assert process.wait() == 0
    duration = time.monotonic() - started
    rng = random.Random(20261122)
    landed = 0  # kills of a running process after its poll's first write
    previous_count = 0
    for _ in range(KILLS):
        before = polls_started(database)
        process = poll_process(config_dir)
        if started_writing(process, database, before):
            # the first 60 %: the timed poll may have run on a quieter machine than this one
            time.sleep(rng.uniform(0.0, 0.6) * duration)
        if process.poll() is None:
            landed += polls_started(database) > before
            process.send_signal(signal.SIGKILL)
        process.wait()
        with open_store(database) as store:
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            count = store.count_items()
            # each page commits all of its items (and validators) or none: whole pages only
            assert count % PER_PAGE == 0 and count >= previous_count
            previous_count = count
            assert store.conn.execute(
                "SELECT count(*) FROM item_history").fetchone()[0] == 0
    figure(f"{KILLS} kills: {landed} landed after the poll's first write, while it ran")
    assert landed >= KILLS // 2, f"only {landed} of {KILLS} kills landed inside a poll's writes"
    with open_store(database) as store:
        reports = poll(config, store, now=NOW)
        assert all(r.outcome == "ok" for r in reports)
        assert store.count_items() == SOURCES * PAGES * PER_PAGE
        assert store.conn.execute("SELECT count(*) FROM item_history").fetchone()[0] == 0
        outcomes = {row[0] for row in store.conn.execute("SELECT outcome FROM polls")}
        assert None not in outcomes  # every poll cut off by a kill is marked
        assert "interrupted" in outcomes
