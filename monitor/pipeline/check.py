"""``monitor sources check``: poll every source live once and say what looks wrong.

For the IT person on a networked machine, after the first real run and after a source turns
``failing``. Each source is fetched and parsed as a poll would (concurrently, on the shared
client) but nothing is stored and no validators are sent, so every answer is complete; every
response is recorded in the replay layout (:mod:`monitor.http.replay`) under a dated folder, so
the answers can be replayed and the parsers fixed offline. Per source the report gives the
last HTTP status, the items, how many have a deadline, how many a committee tag, and the
problems seen: an error, zero items, no deadlines, only past deadlines, a redirect to a new
address.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Sequence

import httpx

from monitor.config.settings import Config, SourceConfig
from monitor.errors import MonitorError
from monitor.http.fetch import SOURCE_EXTENSION, Fetcher, NotModified
from monitor.http.replay import RecordingTransport
from monitor.matchers import build_tagger
from monitor.model import CALL
from monitor.pipeline.ingest import select_sources
from monitor.sources import registry
from monitor.text.i18n import add_messages, t

__all__ = ["CheckReport", "check_sources", "check_sources_async", "dated_folder"]

add_messages({
    "check_error": {"sv": "fel: {error}", "en": "error: {error}"},
    "check_no_items": {"sv": "0 poster", "en": "0 items"},
    "check_no_deadlines": {"sv": "ingen post har sista dag", "en": "no item has a deadline"},
    "check_past_only": {"sv": "bara passerade sista dagar (senast {day})",
                        "en": "only past deadlines (latest {day})"},
    "check_failed_requests": {"sv": "{n} av {total} svar var fel ({counts})",
                              "en": "{n} of {total} answers failed ({counts})"},
    "check_redirect": {"sv": "flyttad: {url} → {target} (HTTP {status}); ändra url i "
                             "sources.toml",
                       "en": "moved: {url} → {target} (HTTP {status}); change url in "
                             "sources.toml"},
})


REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class CheckReport:
    """What one live poll of one source showed."""

    source: str
    kind: str
    http_status: int | None = None
    items: int = 0
    with_deadline: int = 0
    tagged: int = 0
    error: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.error is not None


class _Watch(httpx.AsyncBaseTransport):
    """Notes every redirect a source's requests meet, before passing them on."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.redirects: dict[str, list[tuple[str, str, int]]] = {}
        #: per source, each URL's last status, in the order the URLs were first asked
        self.statuses: dict[str, dict[str, int]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        source = str(request.extensions.get(SOURCE_EXTENSION) or "")
        self.statuses.setdefault(source, {})[str(request.url)] = response.status_code
        if response.status_code in REDIRECTS and "location" in response.headers:
            target = str(request.url.join(response.headers["location"]))
            self.redirects.setdefault(source, []).append(
                (str(request.url), target, response.status_code))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def dated_folder(base: Path, now: datetime, tz: object) -> Path:
    """``base/2026-11-22-0800`` in local time; a second check in the same minute gets
    ``-2``, so no recording is overwritten."""
    stamp = now.astimezone(tz).strftime("%Y-%m-%d-%H%M")  # type: ignore[arg-type]
    folder, n = base / stamp, 1
    while folder.exists():
        n += 1
        folder = base / f"{stamp}-{n}"
    return folder


async def _check_one(source_config: SourceConfig, config: Config, fetcher: Fetcher,
                     tagger: object, watch: _Watch, now: datetime, lang: str) -> CheckReport:
    report = CheckReport(source=source_config.name, kind=source_config.kind)
    http = fetcher.for_source(source_config.name, source_config.url,
                              source_config.get("allowed_hosts", ()))
    items = []
    try:
        source = registry.get(source_config.kind)(source_config, config.settings, now=now)
        items = source.check_items(await source.fetch(http))
    except NotModified:  # cannot happen without validators; an empty answer if it does
        pass
    except MonitorError as exc:
        report.error = str(exc)
    except Exception as exc:  # a parser bug is a finding here, not a crash of the check
        report.error = f"unexpected {type(exc).__name__}: {exc}"
    statuses = [code for code in watch.statuses.get(source_config.name, {}).values()
                if code not in REDIRECTS]  # a retried URL counts with its last answer
    # The source's own address answers first; detail pages and further pages come after.
    report.http_status = statuses[0] if statuses else http.last_status
    report.items = len(items)
    report.with_deadline = sum(1 for i in items if i.deadlines)
    if tagger is not None:
        report.tagged = sum(1 for i in items
                            if any(tag.dimension == "committee" for tag in tagger.tag(i)))
    report.problems = _problems(report, items, statuses[1:],
                                watch.redirects.get(source_config.name, []), now,
                                config.settings.tz, lang)
    return report


def _problems(report: CheckReport, items: list, later: list[int],
              redirects: list[tuple[str, str, int]], now: datetime, tz: object,
              lang: str) -> list[str]:
    """What looks wrong, most telling first."""
    problems = [t("check_error", lang, error=report.error)] if report.error else []
    failed = [code for code in later if code >= 400]
    if failed and not report.error:  # an error already says what failed
        counts = ", ".join(f"HTTP {code}: {failed.count(code)}" for code in sorted(set(failed)))
        problems.append(t("check_failed_requests", lang, n=len(failed), total=len(later) + 1,
                          counts=counts))
    problems += [t("check_redirect", lang, url=url, target=target, status=status)
                 for url, target, status in redirects]
    dated = [i for i in items if i.deadlines]
    if report.error:
        return problems
    if not items:
        problems.append(t("check_no_items", lang))
    elif not dated and any(i.kind == CALL for i in items):
        problems.append(t("check_no_deadlines", lang))
    elif dated and all(max(i.deadlines) < now for i in dated):
        latest = max(max(i.deadlines) for i in dated).astimezone(tz)  # type: ignore[arg-type]
        problems.append(t("check_past_only", lang, day=latest.date().isoformat()))
    return problems


async def check_sources_async(config: Config, *, folder: Path, names: Sequence[str] = (),
                              transport: httpx.AsyncBaseTransport | None = None,
                              now: datetime, lang: str = "sv") -> list[CheckReport]:
    """Poll the selected (default: enabled) sources once, recording into ``folder``."""
    selected = select_sources(config, names)
    watch = _Watch(transport or httpx.AsyncHTTPTransport())
    recording = RecordingTransport(folder, watch)
    tagger = build_tagger(config)
    async with Fetcher(config.settings.http, transport=recording) as fetcher:
        return list(await asyncio.gather(*(
            _check_one(s, config, fetcher, tagger, watch, now, lang) for s in selected)))


def check_sources(config: Config, **kwargs) -> list[CheckReport]:  # type: ignore[no-untyped-def]
    """Synchronous wrapper of :func:`check_sources_async`."""
    return asyncio.run(check_sources_async(config, **kwargs))
