"""Helpers for source tests: build a source from options, fetch it, read fixtures."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.cli.common import clock
from monitor.config.settings import SOURCE_COMMON, HttpSettings, Settings, SourceConfig, check_table
from monitor.http.fetch import Fetcher
from monitor.model import Item
from monitor.sources import Source, registry
from tests.conftest import FIXTURES

SE = FIXTURES / "se"
EU = FIXTURES / "eu"


def keep_only_sources(config_dir: Path, *names: str) -> None:
    """Trim the copied shipped sources.toml to the named sources (tests about other
    features that poll, so they neither depend on every source nor reach for the network)."""
    path = config_dir / "sources.toml"
    blocks = path.read_text(encoding="utf-8").split("[[source]]")[1:]
    kept = [b for b in blocks if any(f'name = "{n}"' in b for n in names)]
    path.write_text("".join("[[source]]" + b for b in kept), encoding="utf-8")


def make_source(kind: str, url: str, *, name: str = "test", now: datetime | None = None,
                **options: Any) -> Source:
    """A source as sources.toml would give it: options validated, defaults filled in; its
    ``now`` as the command line would pass it (the test's pinned MONITOR_NOW) unless given."""
    cls = registry.get(kind)
    block = {"name": name, "kind": kind, "url": url, **options}
    checked = check_table(block, {**SOURCE_COMMON, **cls.options_schema()}, file="test.toml")
    extra = {k: v for k, v in checked.items() if k not in ("name", "kind", "url", "enabled")}
    settings = Settings(http=HttpSettings(retries=0, timeout=5.0, max_pages=10))
    return cls(SourceConfig(name=name, kind=kind, url=url, options=extra), settings, now=now or clock())


def fetch(source: Source, transport: Any = None) -> list[Item]:
    """Run ``source.fetch`` on a real client (a local server, or an injected transport)."""
    async def run() -> list[Item]:
        async with Fetcher(source.settings.http, transport=transport) as fetcher:
            http = fetcher.for_source(source.name, source.url,
                                      source.config.get("allowed_hosts", ()))
            return source.check_items(await source.fetch(http))
    return asyncio.run(run())


def parse_file(source: Source, path: Path, *, url: str | None = None) -> list[Item]:
    return source.check_items(source.parse(path.read_bytes(), url=url or source.url))


def by_id(items: list[Item]) -> dict[str, Item]:
    return {item.native_id: item for item in items}
