"""The first hop: Source.fetch → items → store upsert (new / changed) → matchers → tags saved.

Sources run concurrently on one shared HTTP client. Each source's outcome is stored as a
poll row; one failing source never stops another. A source's items arrive page by page
(:meth:`Source.pages`): each page's items, tags and the HTTP validators read so far are saved
in one transaction before the next page is read, so a crash leaves whole pages, and memory
holds one page, not the source's whole answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

import httpx

from monitor.config.settings import Config, SourceConfig
from monitor.errors import ConfigError, MonitorError
from monitor.http.fetch import REVALIDATE_AFTER, Fetcher, NotModified, SourceHTTP
from monitor.http.replay import RecordingTransport, ReplayTransport
from monitor.matchers import Tagger, build_tagger
from monitor.model import Item
from monitor.pipeline.dedup import update_groups
from monitor.pipeline.health import record_failure
from monitor.pipeline.health import record_poll as record_health
from monitor.pipeline.health import record_unchanged
from monitor.sources import registry
from monitor.store.database import Store

__all__ = ["SourceReport", "poll", "poll_async", "select_sources", "tag_items"]

OK, UNCHANGED, ERROR = "ok", "unchanged", "error"
log = logging.getLogger("monitor.pipeline.ingest")


@dataclass
class SourceReport:
    """What polling one source did."""

    source: str
    outcome: str
    items_parsed: int = 0
    #: how many of the parsed items have a deadline (source health compares it)
    with_deadline: int = 0
    new: int = 0
    changed: int = 0
    http_status: int | None = None
    error: str | None = None
    #: the traceback of an unexpected error (a parser bug), also kept on the poll row
    traceback: str | None = None
    seconds: float = 0.0
    poll_id: int | None = None

    @property
    def failed(self) -> bool:
        return self.outcome == ERROR


def select_sources(config: Config, names: Sequence[str] = ()) -> list[SourceConfig]:
    """The enabled sources, or exactly the named ones (enabled or not)."""
    if not names:
        return [s for s in config.sources if s.enabled]
    known = {s.name: s for s in config.sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"unknown source {unknown[0]!r}", key="--source",
                          file=str(config.dir / "sources.toml"), valid=sorted(known))
    return [known[n] for n in names]


def tag_items(store: Store, tagger: Tagger | None, items: Sequence[Item],
              now: datetime) -> None:
    if tagger is None:
        return
    for item in items:
        store.replace_tags(item.id, tagger.tag(item), now=now)


def _store_page(store: Store, tagger: Tagger | None, items: list[Item], http: SourceHTTP,
                poll_id: int, now: datetime, report: SourceReport) -> None:
    """One page's items, their tags and the validators of the requests so far, together."""
    with store.write():
        result = store.upsert_items(items, poll_id=poll_id, now=now)
        touched = set(result.new) | set(result.changed)
        tag_items(store, tagger, [i for i in items if i.id in touched], now)
        store.save_validators(http.pending_validators, now=now)
    http.pending_validators.clear()
    report.items_parsed += len(items)
    report.with_deadline += sum(1 for item in items if item.deadlines)
    report.new += len(result.new)
    report.changed += len(result.changed)


async def _poll_one(source_config: SourceConfig, config: Config, store: Store, fetcher: Fetcher,
                    tagger: Tagger | None, now: datetime) -> SourceReport:
    started = time.monotonic()
    poll_id = store.start_poll(source_config.name, now=now)
    report = SourceReport(source=source_config.name, outcome=ERROR, poll_id=poll_id)
    http = fetcher.for_source(source_config.name, source_config.url,
                              source_config.get("allowed_hosts", ()))
    try:
        source = registry.get(source_config.kind)(source_config, config.settings, now=now)
        async for page in source.pages(http):
            _store_page(store, tagger, source.check_items(page), http, poll_id, now, report)
        with store.write():
            record_health(store, source_config, items_parsed=report.items_parsed,
                          with_deadline=report.with_deadline, now=now,
                          lang=config.settings.language)
            report.outcome, report.http_status = OK, http.last_status
            store.finish_poll(poll_id, outcome=OK, http_status=http.last_status,
                              items_parsed=report.items_parsed, new=report.new,
                              changed=report.changed, now=now)
    except NotModified:
        report.outcome, report.http_status = UNCHANGED, http.last_status
        store.finish_poll(poll_id, outcome=UNCHANGED, http_status=http.last_status, now=now)
        record_unchanged(store, source_config, now=now, lang=config.settings.language)
    except MonitorError as exc:
        report.error, report.http_status = str(exc), http.last_status
    except Exception as exc:  # a parser bug must not stop the other sources; keep its trace
        report.error = f"unexpected {type(exc).__name__}: {exc}"
        report.traceback = traceback.format_exc()
        report.http_status = http.last_status
        log.exception("source %s: unexpected %s", source_config.name, type(exc).__name__)
    if report.outcome == ERROR:
        store.finish_poll(poll_id, outcome=ERROR, http_status=report.http_status,
                          error=report.error, traceback=report.traceback, now=now)
        record_failure(store, source_config, error=report.error or "", now=now,
                       lang=config.settings.language)
    report.seconds = time.monotonic() - started
    return report


async def poll_async(config: Config, store: Store, *, names: Sequence[str] = (),
                     replay: str | Path | None = None, record: str | Path | None = None,
                     transport: httpx.AsyncBaseTransport | None = None,
                     now: datetime,
                     on_report: Callable[[SourceReport], None] | None = None,
                     ) -> list[SourceReport]:
    """Poll the selected sources concurrently; return one report per source, in config order."""
    selected = select_sources(config, names)
    if replay is not None:
        transport = ReplayTransport(replay)
    elif record is not None:
        transport = RecordingTransport(record, transport)
    tagger = build_tagger(config)
    store.roll_forward(now)
    async with Fetcher(config.settings.http, transport=transport, validators=store,
                       validators_since=now - REVALIDATE_AFTER) as fetcher:
        async def run(source_config: SourceConfig) -> SourceReport:
            report = await _poll_one(source_config, config, store, fetcher, tagger, now)
            if on_report is not None:
                on_report(report)
            return report
        reports = await asyncio.gather(*(run(s) for s in selected))
    if any(r.new or r.changed for r in reports):
        update_groups(store, config.settings.tz)  # derived from all stored calls: once a poll, not per source
    return list(reports)


def poll(config: Config, store: Store, **kwargs) -> list[SourceReport]:  # type: ignore[no-untyped-def]
    """Synchronous wrapper of :func:`poll_async`."""
    return asyncio.run(poll_async(config, store, **kwargs))
