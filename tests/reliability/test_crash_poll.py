"""Kill the process (SIGKILL) at 20 random points of a poll: nothing lost, nothing doubled."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

from werkzeug import Request, Response

from monitor.app import load_config
from monitor.ingest import poll
from monitor.app import open_store
from tests.conftest import NOW, ROOT
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


def test_sigkill_during_polls_loses_and_doubles_nothing(httpserver, config_dir):
    serve(httpserver)
    (config_dir / "sources.toml").write_text("\n".join(
        sources_toml(httpserver.url_for(f"/search/{s}"), name=f"eu{s}") for s in range(SOURCES)))
    config = load_config(config_dir)
    database = config.settings.database
    # time one whole poll (into another database) so the kills spread over a poll's life
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "monitor", "--config", str(config_dir), "--db",
                    str(database) + ".timing", "poll"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    duration = time.monotonic() - started
    rng = random.Random(20261122)
    killed_while_running = 0
    previous_count = 0
    for _ in range(KILLS):
        process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config_dir), "poll"], cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.95) * duration)
        if process.poll() is None:
            killed_while_running += 1
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
    assert killed_while_running >= KILLS // 2, "too few kills landed inside a poll"
    with open_store(database) as store:
        reports = poll(config, store, now=NOW)
        assert all(r.outcome == "ok" for r in reports)
        assert store.count_items() == SOURCES * PAGES * PER_PAGE
        assert store.conn.execute("SELECT count(*) FROM item_history").fetchone()[0] == 0
        outcomes = {row[0] for row in store.conn.execute("SELECT outcome FROM polls")}
        assert None not in outcomes  # every poll cut off by a kill is marked
        if killed_while_running:
            assert "interrupted" in outcomes
