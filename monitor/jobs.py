"""The main job: poll every enabled source, then the steps that follow a poll.

``monitor run`` and the scheduler both call :func:`run_main_job`. Later features (digests,
source health mails) add a step to ``AFTER_POLL``; a failing step is reported and the
remaining steps still run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from .config import Config
from .errors import MonitorError
from .ingest import SourceReport, poll
from .model import utcnow
from .store import Store

__all__ = ["AFTER_POLL", "JobResult", "run_main_job"]


@dataclass
class StepContext:
    config: Config
    store: Store
    now: datetime
    reports: list[SourceReport]
    lang: str = "sv"


# (name, step): a step returns a one-line summary for the log, or None.
AFTER_POLL: list[tuple[str, Callable[[StepContext], str | None]]] = []


@dataclass
class JobResult:
    reports: list[SourceReport]
    steps: list[tuple[str, str | None]] = field(default_factory=list)
    step_errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failed_sources(self) -> list[SourceReport]:
        return [r for r in self.reports if r.failed]


def run_main_job(config: Config, store: Store, *, replay: str | Path | None = None,
                 names: Sequence[str] = (), now: datetime | None = None, lang: str = "sv",
                 on_report: Callable[[SourceReport], None] | None = None) -> JobResult:
    now = now or utcnow()
    reports = poll(config, store, names=names, replay=replay, now=now, on_report=on_report)
    result = JobResult(reports=reports)
    context = StepContext(config=config, store=store, now=now, reports=reports, lang=lang)
    for name, step in AFTER_POLL:
        try:
            result.steps.append((name, step(context)))
        except MonitorError as exc:
            result.step_errors.append((name, str(exc)))
    return result
