"""The main job: poll every enabled source, then the steps that follow a poll.

``monitor run`` and the scheduler both call :func:`monitor.app.run_main_job`, which passes the
steps the features declare (source health mails, digests), in the order of
:data:`monitor.app.FEATURES`. Each step is guarded: a failing step, whatever the exception, is
logged with its traceback and reported, and the remaining steps still run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from monitor.config.settings import Config
from monitor.errors import MonitorError
from monitor.store.database import Store

if TYPE_CHECKING:
    from monitor.pipeline.ingest import SourceReport

__all__ = ["Step", "StepContext", "JobResult", "run_main_job", "run_steps"]

log = logging.getLogger("monitor.pipeline.jobs")


@dataclass
class StepContext:
    config: Config
    store: Store
    now: datetime
    reports: list[SourceReport]
    lang: str = "sv"


# (name, step): a step returns a one-line summary for the log, or None.
Step = tuple[str, Callable[[StepContext], "str | None"]]


@dataclass
class JobResult:
    reports: list[SourceReport]
    steps: list[tuple[str, str | None]] = field(default_factory=list)
    step_errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failed_sources(self) -> list[SourceReport]:
        return [r for r in self.reports if r.failed]


def run_steps(steps: Sequence[Step], context: StepContext, result: JobResult) -> None:
    """Run each step in order; a failure of any kind is logged and recorded, the rest run."""
    for name, step in steps:
        try:
            result.steps.append((name, step(context)))
        except MonitorError as exc:
            log.error("step %s failed: %s", name, exc, exc_info=True)
            result.step_errors.append((name, str(exc)))
        except Exception as exc:  # a bug in one step must not keep the others from running
            log.exception("step %s failed unexpectedly", name)
            result.step_errors.append((name, f"unexpected {type(exc).__name__}: {exc}"))


def run_main_job(config: Config, store: Store, *, steps: Sequence[Step],
                 replay: str | Path | None = None, names: Sequence[str] = (),
                 now: datetime, lang: str = "sv",
                 on_report: Callable[[SourceReport], None] | None = None) -> JobResult:
    from monitor.pipeline.ingest import poll  # the sources and their parsers: only when a poll runs

    reports = poll(config, store, names=names, replay=replay, now=now, on_report=on_report)
    result = JobResult(reports=reports)
    context = StepContext(config=config, store=store, now=now, reports=reports, lang=lang)
    run_steps(steps, context, result)
    return result
