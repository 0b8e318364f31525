"""One clock, read at the command line: everything below it is given ``now``.

The time zone likewise comes from the settings everywhere; its default is written once.
"""

from __future__ import annotations

import ast
import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from monitor.app import load_config, open_store
from monitor.cli.common import clock
from monitor.errors import ConfigError
from monitor.pipeline.ingest import poll
from tests.conftest import NOW, REPLAY
from tests.hermetic import edit_file

PACKAGE = Path(__file__).resolve().parent.parent / "monitor"
CLI = PACKAGE / "cli"
WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
              ("date", "today"), ("time", "time"), ("time", "time_ns")}


def _wall_clock_reads(path: Path) -> list[str]:
    where = path.name if PACKAGE not in path.parents else path.relative_to(PACKAGE.parent)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if (name, node.func.attr) in WALL_CLOCK:
                found.append(f"{where}:{node.lineno}: "
                             f"{name}.{node.func.attr}()")
        if isinstance(node, ast.Name) and node.id == "utcnow":
            found.append(f"{where}:{node.lineno}: utcnow")
        if isinstance(node, ast.Constant) and node.value == "MONITOR_NOW":
            found.append(f"{where}:{node.lineno}: MONITOR_NOW")
    return found


def test_the_checker_sees_a_wall_clock_read(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import time, os\nfrom datetime import date, datetime\n"
                     "a = datetime.now()\nb = time.time()\nc = os.environ['MONITOR_NOW']\n"
                     "d = date.today()\ne = time.monotonic()\n")
    assert sorted(hit.split(": ")[1] for hit in _wall_clock_reads(probe)) == [
        "MONITOR_NOW", "date.today()", "datetime.now()", "time.time()"]


def test_no_module_below_the_command_line_reads_the_clock():
    reads = [hit for path in sorted(PACKAGE.rglob("*.py")) if CLI not in path.parents
             for hit in _wall_clock_reads(path)]
    assert reads == []


def test_the_command_line_clock_honours_monitor_now(monkeypatch):
    monkeypatch.setenv("MONITOR_NOW", "2030-01-02T03:04:05")
    assert clock() == datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    monkeypatch.setenv("MONITOR_NOW", "next tuesday")
    with pytest.raises(ConfigError, match="MONITOR_NOW"):
        clock()
    monkeypatch.delenv("MONITOR_NOW")
    assert abs(clock() - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_the_poll_time_reaches_the_store_and_the_parsers(config_dir):
    """A poll at a time other than MONITOR_NOW: every stamp and every date read uses it."""
    later = NOW + timedelta(days=400)
    config = load_config(config_dir)
    with open_store(config.settings.database) as store:
        [report] = poll(config, store, names=["nordplus"], replay=REPLAY, now=later)
        assert report.outcome == "ok", report.error
        row = store.conn.execute("SELECT started, finished FROM polls").fetchone()
        assert row == (later.isoformat(), later.isoformat())
        items = store.conn.execute("SELECT first_seen, deadline FROM items").fetchall()
    assert items and all(first_seen == later.isoformat() for first_seen, _ in items)
    # Nordplus's yearly rule gives the next 1 February after the poll's time, not the clock's
    deadlines = [datetime.fromisoformat(d) for _, d in items if d]
    assert deadlines and all(d > later for d in deadlines)


def test_the_command_line_passes_its_time_down(cli, config_dir, monkeypatch):
    monkeypatch.setenv("MONITOR_NOW", "2027-03-01T09:00:00+00:00")
    assert cli("poll", "--source", "nordplus", "--replay", str(REPLAY)).exit_code == 0
    config = load_config(config_dir)
    with open_store(config.settings.database) as store:
        assert store.conn.execute("SELECT started, finished FROM polls").fetchone() == (
            "2027-03-01T09:00:00+00:00", "2027-03-01T09:00:00+00:00")
    listed = json.loads(cli("calls", "--format", "json").stdout)
    assert listed and all(row["first_seen"] == "2027-03-01T09:00:00+00:00" for row in listed)


def test_the_default_time_zone_is_written_once():
    """Only config.DEFAULT_TIMEZONE names it, in code, comments, docstrings and templates
    alike; text saying "svensk tid" is read in the caller's zone (test_dates)."""
    places = sorted((str(path.relative_to(PACKAGE.parent)), line.strip())
                    for path in PACKAGE.rglob("*") if path.is_file() and path.suffix != ".pyc"
                    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                    if "Europe/Stockholm" in line)
    assert places == [("monitor/config/settings.py", 'DEFAULT_TIMEZONE = "Europe/Stockholm"')], \
        places


def _published_polled_in(config_dir: Path, zone: str | None) -> list[datetime]:
    if zone:
        edit_file(config_dir / "settings.toml",
                  ('timezone = "Europe/Stockholm"', f'timezone = "{zone}"'))
    config = load_config(config_dir)
    with open_store(config.settings.database) as store:
        [report] = poll(config, store, names=["riksdagen"], replay=REPLAY, now=NOW)
        assert report.outcome == "ok", report.error
        return [datetime.fromisoformat(row[0]) for row in store.conn.execute(
            "SELECT published FROM items WHERE published IS NOT NULL")]


def test_parsers_read_local_dates_in_the_settings_time_zone(tmp_path, config_dir):
    """Riksdagen gives a day without a time: midnight there, 'there' being the settings' zone."""
    stockholm, helsinki = ZoneInfo("Europe/Stockholm"), ZoneInfo("Europe/Helsinki")
    default = _published_polled_in(config_dir, None)
    assert default and {d.astimezone(stockholm).strftime("%H:%M") for d in default} == {"00:00"}
    other = tmp_path / "helsinki"
    shutil.copytree(config_dir, other)
    edit_file(other / "settings.toml", (str(tmp_path / "monitor.db"), str(tmp_path / "h.db")))
    moved = _published_polled_in(other, "Europe/Helsinki")
    assert {d.astimezone(helsinki).strftime("%H:%M") for d in moved} == {"00:00"}
    assert sorted(d.astimezone(helsinki).date() for d in moved) == sorted(
        d.astimezone(stockholm).date() for d in default)
