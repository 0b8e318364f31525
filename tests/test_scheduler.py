"""``monitor serve``: the scheduler's configuration (inspected, never waited for), its jobs
(called directly), the single-instance lock and a clean stop on SIGTERM."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from monitor.app import build_scheduler, load_config, open_store
from monitor.config.settings import database_path
from monitor.errors import ConfigError
from monitor.pipeline.schedule import AlreadyRunning, cron_trigger, single_instance
from tests.conftest import NOW, ROOT
from tests.hermetic import edit_file
from tests.mailfixtures import mail_env, outbox_messages, seed  # noqa: F401 - fixture
from tests.source_helpers import keep_only_sources


def test_scheduler_jobs_triggers_and_misfire_policy(config, tmp_path):  # noqa: ANN001
    scheduler = build_scheduler(config, db_path=tmp_path / "m.db", clock=lambda: NOW)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert sorted(jobs) == ["daily_digests", "digests", "poll", "reminders"]
    assert str(scheduler.timezone) == "Europe/Stockholm"
    for job in jobs.values():
        assert job.coalesce is True
        assert job.misfire_grace_time == 6 * 3600
        assert job.max_instances == 1
    start = datetime(2026, 11, 22, 9, 0, tzinfo=config.settings.tz)  # a Sunday
    nxt = {name: job.trigger.get_next_fire_time(None, start) for name, job in jobs.items()}
    assert nxt["poll"].isoformat() == "2026-11-22T12:00:00+01:00"
    assert nxt["digests"].isoformat() == "2026-11-23T07:00:00+01:00"
    assert nxt["reminders"].isoformat() == "2026-11-23T07:00:00+01:00"
    assert nxt["daily_digests"].isoformat() == "2026-11-23T07:00:00+01:00"
    # one worker: jobs never write the database at the same time
    assert scheduler._executors["default"]._pool._max_workers == 1


def test_schedule_is_configurable(config_dir, tmp_path):  # noqa: ANN001
    edit_file(config_dir / "settings.toml", ('digests = "0 7 * * mon"', 'digests = "30 6 * * tue"'),
              ("misfire_grace_hours = 6.0", "misfire_grace_hours = 12"))
    scheduler = build_scheduler(load_config(config_dir), db_path=tmp_path / "m.db",
                                clock=lambda: NOW)
    job = scheduler.get_job("digests")
    start = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
    assert job.trigger.get_next_fire_time(None, start).isoformat() == "2026-11-24T06:30:00+01:00"
    assert job.misfire_grace_time == 12 * 3600


@pytest.mark.parametrize("value,problem", [
    ("0 7 * *", "Wrong number of fields"),
    ("61 7 * * mon", "not a cron expression"),
    ("0 7 * * 1", "names"),  # APScheduler 3 would read 1 as Tuesday
    ("every monday", "not a cron expression"),
])
def test_bad_cron_expression_names_file_and_key(config_dir, value, problem):  # noqa: ANN001
    path = edit_file(config_dir / "settings.toml",
                     ('digests = "0 7 * * mon"', f'digests = "{value}"'))
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    assert caught.value.key == "schedule.digests"
    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_weekday_names_and_ranges_work() -> None:
    trigger = cron_trigger("0 7 * * mon-fri", "Europe/Stockholm")
    saturday = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
    assert trigger.get_next_fire_time(None, saturday).isoformat() == "2026-11-23T07:00:00+01:00"


def test_jobs_called_directly_do_their_work(config, mail_env):  # noqa: ANN001, F811
    db_path = database_path(config)
    with open_store(db_path) as store:
        seed(store)
    scheduler = build_scheduler(config, db_path=db_path, clock=lambda: NOW)
    # Sunday of week 47 after 07:00 Monday: the weekly digest is due.
    digests = scheduler.get_job("digests").func()
    assert digests == "2 digests sent"  # bun and gvn have news; the rest are empty
    assert scheduler.get_job("digests").func() is None  # nothing twice
    assert scheduler.get_job("daily_digests").func() is None  # no daily subscriptions
    assert scheduler.get_job("reminders").func() is None  # nothing within 14 days
    assert len(outbox_messages(mail_env)) == 2


def test_poll_job_polls_and_reports(config_dir, mail_env, monkeypatch):  # noqa: ANN001, F811
    # No network in tests: the source points at a closed local port and fails quickly.
    keep_only_sources(config_dir, "eu-funding")  # the other shipped sources would go online
    edit_file(config_dir / "sources.toml", ("https://api.tech.ec.europa.eu", "http://127.0.0.1:9"))
    edit_file(config_dir / "settings.toml", ("retries = 3", "retries = 0"))
    config = load_config(config_dir)
    scheduler = build_scheduler(config, db_path=database_path(config), clock=lambda: NOW)
    summary = scheduler.get_job("poll").func()
    assert summary.startswith("1 sources, 1 failed (eu-funding)")


def test_single_instance_lock(tmp_path: Path) -> None:
    db = tmp_path / "monitor.db"
    with single_instance(db) as lock:
        assert lock == tmp_path / "monitor.db.serve.lock"
        assert lock.read_text().strip() == str(os.getpid())
        with pytest.raises(AlreadyRunning, match=r"pid \d+"):
            with single_instance(db):
                pass
    with single_instance(db):  # released: can be taken again
        pass


def _read_until(process: subprocess.Popen, needle: str, seconds: float = 60.0) -> str:
    """stderr of ``process`` until ``needle`` appears (or the time is up).

    Reads the raw file descriptor: select() knows nothing of lines already sitting in a
    buffered reader, so mixing the two misses output that arrived in one chunk."""
    fd = process.stderr.fileno()
    seen = ""
    deadline = time.monotonic() + seconds
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            seen += chunk.decode("utf-8", errors="replace")
    return seen


def test_serve_runs_once_and_stops_cleanly_on_sigterm(config_dir, mail_env):  # noqa: ANN001, F811
    edit_file(config_dir / "settings.toml",  # nothing fires in the test, nothing is polled
              *[(f'\n{key} = "', f'\n{key} = "0 0 1 1 *" #"')
                for key in ("poll", "digests", "daily_digests", "reminders")],
              ("poll_at_start = true", "poll_at_start = false"))  # a poll would go online
    command = [sys.executable, "-c", "from monitor.cli import main; main()",
               "--config", str(config_dir), "serve"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        started = _read_until(first, "job reminders")
        assert "monitor serve started" in started and "next run 2027-01-01" in started
        second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=30)
        assert second.returncode == 1
        assert "En annan 'monitor serve' kör redan" in second.stderr
        first.send_signal(signal.SIGTERM)
        stopped = _read_until(first, "monitor serve stopped")
        assert "received SIGTERM, stopping" in stopped
        assert first.wait(timeout=20) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def test_serve_polls_at_start_when_the_last_poll_is_older_than_its_interval(
        config, tmp_path):  # noqa: ANN001
    from monitor.pipeline.schedule import poll_due_at_start, poll_interval

    db = tmp_path / "m.db"
    now = datetime(2026, 11, 22, 9, 0, tzinfo=config.settings.tz)
    assert poll_interval("0 */6 * * *", config.settings.tz, now).total_seconds() == 6 * 3600
    assert poll_due_at_start(config, db, now) == "no poll yet" and not db.exists()
    with open_store(db) as store:
        poll = store.start_poll("eu-funding", now=now - timedelta(hours=5))
        store.finish_poll(poll, outcome="ok", now=now - timedelta(hours=5))
    assert poll_due_at_start(config, db, now) is None  # 5 hours: the schedule will do
    due = poll_due_at_start(config, db, now + timedelta(hours=1, minutes=1))
    assert due and "older than the poll interval (6:00:00)" in due
    started = datetime.now(config.settings.tz)
    scheduler = build_scheduler(config, db_path=db, clock=lambda: NOW, first_poll=started)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert jobs["poll"].next_run_time == started
    assert not hasattr(jobs["digests"], "next_run_time") or jobs["digests"].next_run_time is None
    later = build_scheduler(config, db_path=db, clock=lambda: NOW)
    assert getattr(later.get_job("poll"), "next_run_time", None) is None  # from the cron


def test_poll_at_start_can_be_turned_off(config_dir, tmp_path):  # noqa: ANN001
    from monitor.pipeline.schedule import poll_due_at_start

    edit_file(config_dir / "settings.toml", ("poll_at_start = true", "poll_at_start = false"))
    now = datetime(2026, 11, 22, 9, 0, tzinfo=load_config(config_dir).settings.tz)
    assert poll_due_at_start(load_config(config_dir), tmp_path / "m.db", now) is None
