"""``monitor serve``: the jobs on a schedule, in the foreground, one instance at a time.

APScheduler 3 (BlockingScheduler) runs four jobs, each a cron expression in ``[schedule]``
of ``settings.toml``, in the configured time zone: ``poll`` (the main job: poll, tag, then the
steps after a poll, which send whatever mail is due), ``digests`` (weekly digests),
``daily_digests`` and ``reminders``. Jobs run one at a time in one worker thread, each on its
own database connection; a run missed while the machine slept runs once (``coalesce``) if it is
less than ``misfire_grace_hours`` late. A lock file next to the database (``flock``) keeps a
second ``serve`` from starting; SIGTERM and SIGINT stop the scheduler cleanly.

The cron expressions also say when a digest period is due (see :mod:`monitor.digests.dispatch`).
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping
from zoneinfo import ZoneInfo

from monitor.config.settings import Config, Section, setting
from monitor.errors import AlreadyRunning

__all__ = ["ScheduleSettings", "cron_trigger", "first_fire", "schedule_settings", "build_scheduler",
           "single_instance", "AlreadyRunning", "serve", "JOB_NAMES"]

log = logging.getLogger("monitor.pipeline.schedule")
JOB_NAMES = ("poll", "digests", "daily_digests", "reminders")


def cron_trigger(expression: str, tz: ZoneInfo | str):  # noqa: ANN201 - CronTrigger
    """A CronTrigger from five crontab fields; day-of-week must use names (mon..sun).

    APScheduler 3 counts weekdays from Monday = 0 while crontab counts from Sunday = 0, so a
    number there would silently mean another day: names only.
    """
    from apscheduler.triggers.cron import CronTrigger  # imported late: ~80 ms at start-up

    fields = expression.split()
    if len(fields) == 5 and re.search(r"\d", fields[4].split("/")[0]):
        raise ValueError("write days of the week as names (mon, tue ... sun, mon-fri), "
                         f"not numbers: {fields[4]!r}")
    return CronTrigger.from_crontab(expression, timezone=tz)


def _check_cron(value: str) -> str | None:
    try:
        cron_trigger(value, "UTC")
    except ValueError as exc:
        return (f"not a cron expression (minute hour day month weekday, e.g. "
                f"'0 7 * * mon'): {value!r}: {exc}")
    return None


@dataclass(frozen=True)
class ScheduleSettings(Section):
    """``[schedule]``: a cron expression per job of ``monitor serve``."""

    poll: str = setting("0 */6 * * *", _check_cron, "poll, tag and send what is due")
    digests: str = setting("0 7 * * mon", _check_cron, "weekly digests")
    daily_digests: str = setting("0 7 * * *", _check_cron, "daily digests")
    reminders: str = setting("0 7 * * *", _check_cron, "deadline and decision reminders")
    misfire_grace_hours: float = setting(
        6.0, lambda v: None if v > 0 else "must be greater than 0",
        "a run this late (machine asleep, busy) still runs, once")
    poll_at_start: bool = setting(True, None, "poll when serve starts if the last poll is "
                                  "older than the time between two scheduled polls")


def schedule_settings(config: Config) -> ScheduleSettings:
    return config.settings.section("schedule", ScheduleSettings)


def first_fire(expression: str, tz: ZoneInfo, start: datetime) -> datetime | None:
    """The first time at or after ``start`` at which ``expression`` fires."""
    return cron_trigger(expression, tz).get_next_fire_time(None, start.astimezone(tz))


def poll_interval(expression: str, tz: ZoneInfo, now: datetime) -> timedelta:
    """The time between the next two runs of ``expression`` (six hours for ``0 */6 * * *``)."""
    first = first_fire(expression, tz, now)
    second = first_fire(expression, tz, first + timedelta(seconds=1)) if first else None
    return (second - first) if first and second else timedelta.max


def poll_due_at_start(config: Config, db_path: Path, now: datetime) -> str | None:
    """Why ``serve`` should poll as it starts (no poll yet, or the last one is older than the
    poll interval: the machine was off or serve was stopped), or None."""
    settings = schedule_settings(config)
    if not settings.poll_at_start:
        return None
    from monitor.model import from_iso
    from monitor.store.database import Store

    if not Path(db_path).is_file():
        return "no poll yet"
    with Store(db_path, tables=()) as store:
        last = store.polls(limit=1)
    if not last:
        return "no poll yet"
    started = from_iso(last[0]["started"])
    interval = poll_interval(settings.poll, config.settings.tz, now)
    if now - started >= interval:
        return f"last poll {started.isoformat()} is older than the poll interval ({interval})"
    return None


@contextmanager
def single_instance(db_path: Path) -> Iterator[Path]:
    """Hold ``<database>.serve.lock`` (flock) for as long as the block runs."""
    lock_path = Path(f"{db_path}.serve.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
        os.close(fd)
        raise AlreadyRunning(f"another 'monitor serve' (pid {holder}) is running on this "
                             f"database; lock file {lock_path}") from None
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield lock_path
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _log_event(event: Any) -> None:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED

    if event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its run at %s (later than the grace time)", event.job_id,
                    event.scheduled_run_time)
    elif event.code == EVENT_JOB_ERROR:
        log.error("job %s failed: %r", event.job_id, event.exception)
    else:
        log.info("job %s done: %s", event.job_id, event.retval or "nothing to do")


def build_scheduler(config: Config, *, jobs: Mapping[str, Callable[[], str]],  # noqa: ANN201
                    first_poll: datetime | None = None):
    """A BlockingScheduler with the four jobs, not yet started (so it can be inspected);
    with ``first_poll`` (the caller's now) the poll job runs then, after that as its cron
    says.

    ``jobs`` maps each of :data:`JOB_NAMES` to the work it runs (given by the composition
    root, :func:`monitor.app.scheduled_jobs`).
    """
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.blocking import BlockingScheduler

    settings = schedule_settings(config)
    tz = config.settings.tz
    grace = int(settings.misfire_grace_hours * 3600)
    defaults = {"coalesce": True, "misfire_grace_time": grace, "max_instances": 1}
    scheduler = BlockingScheduler(timezone=tz, job_defaults=defaults,
                                  executors={"default": ThreadPoolExecutor(1)})
    for name, job in jobs.items():
        first = {"next_run_time": first_poll} if name == "poll" and first_poll else {}
        scheduler.add_job(job, cron_trigger(getattr(settings, name), tz), id=name, name=name,
                          coalesce=True, misfire_grace_time=grace, max_instances=1, **first)
    scheduler.add_listener(_log_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return scheduler


def serve(config: Config, *, db_path: Path, jobs: Mapping[str, Callable[[], str]],
          clock: Callable[[], datetime]) -> None:
    """Run the scheduler until SIGTERM or SIGINT; refuse to start twice on one database."""
    with single_instance(db_path) as lock_path:
        started = clock()
        due = poll_due_at_start(config, db_path, started)
        scheduler = build_scheduler(config, jobs=jobs, first_poll=started if due else None)
        if due:
            log.info("polling now: %s", due)

        def stop(signum: int, _frame: object) -> None:
            log.info("received %s, stopping", signal.Signals(signum).name)
            scheduler.shutdown(wait=False)

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            log.info("monitor serve started (pid %d, lock %s, time zone %s)", os.getpid(),
                     lock_path, config.settings.timezone)
            now = clock().astimezone(config.settings.tz)
            for job in scheduler.get_jobs():
                log.info("job %s: %s, next run %s", job.id, job.trigger,
                         job.trigger.get_next_fire_time(None, now))
            scheduler.start()  # blocks until stop() shuts it down
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        log.info("monitor serve stopped")
