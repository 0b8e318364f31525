"""The error tree: every MonitorError in monitor.errors, drawn in its docstring; and an
unexpected error in a parser keeps its traceback on the poll row and in the log."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re

import monitor
from monitor import errors
from monitor.app import load_config, open_store
from monitor.pipeline.ingest import poll
from monitor.sources import registry
from tests.conftest import NOW, REPLAY


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _all_subclasses(sub)
    return found


def _drawn_tree() -> dict[str, str | None]:
    """{class: parent} from the docstring's drawing (four columns per level)."""
    lines = errors.__doc__.split("::", 1)[1].split("\n\n")[1].splitlines()
    tree: dict[str, str | None] = {}
    stack: list[str] = []
    for line in lines:
        match = re.search(r"[A-Z]\w+", line)
        depth = (match.start() - (len(line) - len(line.lstrip()))) // 4
        del stack[depth:]
        tree[match.group()] = stack[-1] if stack else None
        stack.append(match.group())
    return tree


def test_every_monitor_error_is_in_errors_and_in_the_drawn_tree():
    for info in pkgutil.walk_packages(monitor.__path__, "monitor."):
        if info.name != "monitor.__main__":  # that one runs the command line
            importlib.import_module(info.name)
    classes = _all_subclasses(errors.MonitorError)
    assert {c.__module__ for c in classes} == {"monitor.errors"}
    actual = {c.__name__: c.__base__.__name__ for c in classes} | {"MonitorError": None}
    assert _drawn_tree() == actual
    assert set(errors.__all__) == set(actual)


def test_the_drawing_is_read_as_drawn():
    tree = _drawn_tree()
    assert tree["FetchError"] == "SourceError" and tree["IllegalStep"] == "ApplicationError"
    assert tree["AlreadyRunning"] == "MonitorError" and tree["MonitorError"] is None


def test_a_parser_bug_keeps_its_traceback_on_the_poll_row_and_in_the_log(
        config_dir, monkeypatch, caplog):
    async def buggy_fetch(self, http):  # noqa: ANN001, ANN202
        return [1 / 0]

    monkeypatch.setattr(registry.get("nordplus"), "fetch", buggy_fetch)
    config = load_config(config_dir)
    with caplog.at_level(logging.ERROR, logger="monitor.pipeline.ingest"), \
            open_store(config.settings.database) as store:
        reports = {r.source: r for r in poll(config, store, names=["nordplus", "riksdagen"],
                                             replay=REPLAY, now=NOW)}
        row = store.conn.execute("SELECT error, traceback FROM polls WHERE source = 'nordplus'"
                                 ).fetchone()
    assert reports["riksdagen"].outcome == "ok"  # the others go on
    assert reports["nordplus"].error == "unexpected ZeroDivisionError: division by zero"
    assert row[0] == reports["nordplus"].error
    assert "Traceback" in row[1] and "buggy_fetch" in row[1] and "1 / 0" in row[1]
    [record] = [r for r in caplog.records if r.name == "monitor.pipeline.ingest"]
    assert "nordplus" in record.getMessage() and record.exc_info[0] is ZeroDivisionError


def test_an_older_database_gets_the_traceback_column(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE polls (id INTEGER PRIMARY KEY, source TEXT NOT NULL, "
                     "started TEXT NOT NULL, finished TEXT, outcome TEXT, http_status INTEGER,"
                     " items_parsed INTEGER, new INTEGER, changed INTEGER, error TEXT)")
    with open_store(path) as store:
        poll_id = store.start_poll("x", now=NOW)
        store.finish_poll(poll_id, outcome="error", error="e", traceback="tb", now=NOW)
        assert store.conn.execute("SELECT traceback FROM polls").fetchone() == ("tb",)
