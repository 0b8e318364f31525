"""A poll writing 10,000 items while another process runs 1,000 `monitor calls` queries."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from monitor.app import load_config, open_store
from monitor.pipeline.ingest import poll
from tests.conftest import NOW
from tests.factories import sedia_page, sedia_row, sources_toml

QUERIES = 1000

READER = textwrap.dedent("""
    import sys, json
    from typer.testing import CliRunner
    from monitor.cli import app
    config, ready = sys.argv[1], sys.argv[2]
    runner = CliRunner()
    open(ready, "w").close()
    errors, counts = [], []
    for i in range({queries}):
        args = ["--config", config, "calls", "--format", "json", "--limit", "5"]
        if i % 3 == 1:
            args += ["--search", "skolutveckling"]
        result = runner.invoke(app, args)
        if result.exit_code != 0 or result.exception is not None:
            errors.append((result.exit_code, result.output[-300:], repr(result.exception)))
        else:
            counts.append(len(json.loads(result.stdout)))
    print(json.dumps({{"errors": errors, "ok": len(counts)}}))
""")


def test_poll_of_10000_items_with_concurrent_queries(httpserver, config_dir, tmp_path):
    rows = [sedia_row(i) for i in range(10_000)]
    httpserver.expect_request("/search").respond_with_data(sedia_page(rows),
                                                           content_type="application/json")
    (config_dir / "sources.toml").write_text(sources_toml(httpserver.url_for("/search")))
    config = load_config(config_dir)
    with open_store(config.settings.database):  # create the schema before the reader starts
        pass
    ready = tmp_path / "reader-ready"
    script = tmp_path / "reader.py"
    script.write_text(READER.format(queries=QUERIES))
    reader = subprocess.Popen([sys.executable, str(script), str(config_dir), str(ready)],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while not ready.exists() and reader.poll() is None:
            time.sleep(0.01)  # the reader's start-up needs the CPU this loop would take
        with open_store(config.settings.database) as store:
            # two polls: inserts, then an update of every row, each a large write transaction
            [first] = poll(config, store, now=NOW)
            [second] = poll(config, store, now=NOW)
            assert (first.outcome, first.new) == ("ok", 10_000), first.error
            assert second.outcome == "ok" and second.new == 0
            assert store.count_items() == 10_000
        assert reader.poll() is None, "the reader finished before the poll: no overlap tested"
        out, err = reader.communicate(timeout=240)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert reader.returncode == 0, err
    import json
    result = json.loads(out.strip().splitlines()[-1])
    assert result["errors"] == [] and result["ok"] == QUERIES
    assert "database is locked" not in err
