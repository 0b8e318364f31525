"""The composition root: which features the monitor has, in which order, and how they plug in.

Every feature declares here what it adds — its ``settings.toml`` sections, the configuration
files it reads, the tables it keeps in the store, the step it runs after a poll — and nothing
registers itself by being imported. The order of :data:`FEATURES` is the order everything
runs in: sections are validated, files loaded, tables created and after-poll steps run in
that order. :mod:`monitor.config.settings` and :mod:`monitor.store.database` know no feature; they receive
what they need from here.

Heavy parts (parsers, the tagger, the mail templates, the scheduler) are imported only by the
functions that use them, so a read command that loads the configuration and opens the store
starts without them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from monitor.config import committees
from monitor.config.organisation import OrganisationSettings
from monitor.config.settings import Config, Loader, Settings, read_config
from monitor.decisions import activities, meeting_sources
from monitor.decisions.applications import create_tables as _application_tables
from monitor.decisions.meetings import load_meetings
from monitor.digests import reminders, subscriptions
from monitor.mail import ledger
from monitor.mail.message import MailSettings
from monitor.pipeline import health, schedule
from monitor.pipeline.jobs import JobResult, Step, StepContext
from monitor.store.database import Store, TableHook
from monitor.web.links import WebSettings

__all__ = ["Feature", "FEATURES", "load_config", "open_store", "after_poll_steps",
           "run_main_job", "scheduled_jobs", "serve"]


@dataclass(frozen=True)
class Feature:
    """What one feature adds to the application; every part is optional."""

    name: str
    doc: str
    #: settings.toml sections by name: each a settings dataclass (see monitor.config.settings.setting)
    sections: Mapping[str, type] = field(default_factory=dict)
    loaders: Mapping[str, Loader] = field(default_factory=dict)
    tables: Sequence[TableHook] = ()
    after_poll: Step | None = None


def _load_matching(directory: Path, settings: Settings) -> Any:
    from monitor.matchers import load_matching  # the matchers and their rules: only when loaded

    return load_matching(directory)


def _health_step(context: StepContext) -> str | None:
    from monitor.pipeline.health_mail import health_mail_step

    return health_mail_step(context)


def _meetings_step(context: StepContext) -> str | None:
    from monitor.decisions.meeting_sources import meetings_step

    return meetings_step(context)


def _mail_step(context: StepContext) -> str | None:
    from monitor.digests.reminders import mail_step

    return mail_step(context)


FEATURES: tuple[Feature, ...] = (
    Feature("committees", "committees.toml and priorities.toml: the tags items get",
            loaders={"committees": lambda d, s: committees.load_committees(d),
                     "priorities": lambda d, s: committees.load_priorities(d)}),
    Feature("mail", "[mail]: outbox or SMTP, sender, administrator",
            sections={"mail": MailSettings}),
    Feature("subscriptions", "[digest] and who gets which digest",
            sections={"digest": subscriptions.DigestSettings},
            tables=(subscriptions.create_table,)),
    Feature("schedule", "[schedule]: when monitor serve runs each job",
            sections={"schedule": schedule.ScheduleSettings}),
    Feature("matching", "matching.toml: the tagging rules", loaders={"matching": _load_matching}),
    Feature("meetings", "meetings.toml: the decision calendar",
            loaders={"meetings": load_meetings}),
    # Before the digests: a notice about a broken source does not wait behind them.
    Feature("health", "source health, and mail to the administrator when a source breaks",
            tables=(health.create_tables,), after_poll=("health", _health_step)),
    # Real meeting dates before the digests, which date the decision steps by them.
    Feature("meeting dates", "each body's meeting dates fetched after a poll (.ics, Insyn)",
            tables=(meeting_sources.create_table,), after_poll=("meetings", _meetings_step)),
    Feature("deliveries", "digests and reminders that are due, sent once (the ledger)",
            tables=(ledger.create_table, reminders.create_table),
            after_poll=("mail", _mail_step)),
    Feature("applications", "applications for calls and their decisions",
            tables=(_application_tables,)),
    Feature("activities", "the activities register (study visits, partner meetings ...)",
            tables=(activities.create_table,)),
    Feature("organisation", "[organisation]: the coordinator and the twinning towns",
            sections={"organisation": OrganisationSettings}),
    Feature("web", "[web]: the intranet page's public address, linked from the digest footer",
            sections={"web": WebSettings}),
)


def _sections(features: Sequence[Feature]) -> dict[str, type]:
    return {name: schema for f in features for name, schema in f.sections.items()}


def _loaders(features: Sequence[Feature]) -> dict[str, Loader]:
    return {name: loader for f in features for name, loader in f.loaders.items()}


def tables(features: Sequence[Feature] = FEATURES) -> tuple[TableHook, ...]:
    return tuple(hook for f in features for hook in f.tables)


def after_poll_steps(features: Sequence[Feature] = FEATURES) -> tuple[Step, ...]:
    """The steps after a poll, in the declared order."""
    return tuple(f.after_poll for f in features if f.after_poll is not None)


def _source_kinds() -> Any:
    from monitor.sources import registry  # the source classes validate their [[source]] blocks

    return registry


def load_config(config_dir: str | Path | None = None, *, lazy: bool = False) -> Config:
    """Find and validate the whole configuration: settings, sources and every feature's files.

    ``lazy`` (the command line's choice) reads ``settings.toml`` now and the rest when first
    used: ``monitor calls`` imports no source class and builds no tagger. ``config.check()``
    then reads the rest (a command does before it writes).
    """
    return read_config(config_dir, sections=_sections(FEATURES), loaders=_loaders(FEATURES),
                       source_kinds=_source_kinds, lazy=lazy)


def open_store(path: str | Path, **kwargs: Any) -> Store:
    """The store with every feature's tables."""
    return Store(path, tables=tables(), **kwargs)


def run_main_job(config: Config, store: Store, **kwargs: Any) -> JobResult:
    """Poll every enabled source, then every feature's after-poll step (see monitor.pipeline.jobs)."""
    from monitor.pipeline import jobs

    return jobs.run_main_job(config, store, steps=after_poll_steps(), **kwargs)


def scheduled_jobs(config: Config, db_path: Path, lang: str,
                   clock: Callable[[], datetime]) -> dict[str, Callable[[], str]]:
    """The four jobs of ``monitor serve``; each opens its own connection (a worker thread)
    and asks ``clock`` (the command line's) for the time it runs at."""
    from monitor.digests import dispatch
    from monitor.digests.reminders import send_reminders

    def with_store(work: Callable[[Store], str]) -> Callable[[], str]:
        def job() -> str:
            with open_store(db_path) as store:
                return work(store)
        return job

    def poll(store: Store) -> str:
        result = run_main_job(config, store, lang=lang, now=clock())
        failed = [r.source for r in result.failed_sources]
        parts = [f"{len(result.reports)} sources, {len(failed)} failed"
                 + (f" ({', '.join(failed)})" if failed else "")]
        parts += [f"{name}: {summary}" for name, summary in result.steps if summary]
        parts += [f"{name} FAILED: {error}" for name, error in result.step_errors]
        return "; ".join(parts)

    def digests(frequency: str) -> Callable[[Store], str]:
        return lambda s: dispatch.summary(dispatch.send_digests(
            config, s, due_only=True, frequency=frequency, now=clock()), "en")

    return {
        "poll": with_store(poll),
        "digests": with_store(digests("weekly")),
        "daily_digests": with_store(digests("daily")),
        "reminders": with_store(lambda s: dispatch.summary(
            send_reminders(config, s, now=clock()), "en")),
    }


def build_scheduler(config: Config, *, db_path: Path, clock: Callable[[], datetime],
                    lang: str = "sv", first_poll: datetime | None = None):  # noqa: ANN201
    """The scheduler of ``monitor serve`` with the application's jobs, not started."""
    return schedule.build_scheduler(config, jobs=scheduled_jobs(config, db_path, lang, clock),
                                     first_poll=first_poll)


def serve(config: Config, *, db_path: Path, clock: Callable[[], datetime],
          lang: str = "sv") -> None:
    """``monitor serve``: the application's jobs on their schedule, one instance per database."""
    schedule.serve(config, db_path=db_path, clock=clock,
                    jobs=scheduled_jobs(config, db_path, lang, clock))
