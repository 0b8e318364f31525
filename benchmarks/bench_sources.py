"""Sources: every shipped source on the replay, and regrouping duplicates in a large store."""

from __future__ import annotations

import random
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

from monitor.app import load_config, open_store
from monitor.model import CALL, Item
from monitor.pipeline.dedup import update_groups
from monitor.pipeline.ingest import poll

from .bigstore import NOW
from .common import ROOT, Figure, median_time, scratch_config

REPLAY = ROOT / "tests" / "fixtures" / "replay"
CALLS, SOURCES, DAYS = 5000, 10, 60


def _replay_poll(config_dir: Path) -> None:
    config = load_config(config_dir)
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "replay.db") as store:
        reports = poll(config, store, replay=REPLAY, now=NOW)
    failed = [r for r in reports if r.failed]
    if failed:
        raise RuntimeError(f"{failed[0].source}: {failed[0].error}")


def _calls(rng: random.Random) -> list[Item]:
    """Calls spread over sources and days, titles drawn from a small vocabulary so that
    many share words (the hard case for grouping), and 1 in 10 repeated by another source."""
    words = [f"w{i}" for i in range(300)]
    start = datetime(2027, 1, 1, 16, tzinfo=timezone.utc)
    items = []
    for n in range(CALLS):
        title = " ".join(rng.sample(words, rng.randint(3, 8)))
        day = start + timedelta(days=rng.randrange(DAYS))
        source = f"s{n % SOURCES}"
        items.append(Item(source=source, native_id=str(n), kind=CALL, title=title,
                          url=f"https://{source}.example/{n}", deadlines=[day]))
        if n % 10 == 0:
            items.append(Item(source=f"s{(n + 1) % SOURCES}", native_id=f"{n}-copy", kind=CALL,
                              title=title + " 2027", url=f"https://copy.example/{n}",
                              deadlines=[day]))
    return items


def run() -> Iterator[Figure]:
    with scratch_config() as config_dir:
        seconds = median_time(lambda: _replay_poll(config_dir), runs=3)
    shipped = sum(line.strip() == "[[source]]" for line in
                  (ROOT / "config" / "sources.toml").read_text(encoding="utf-8").splitlines())
    yield Figure("replay_poll_shipped_sources", seconds, "s",
                 baseline=f"all {shipped} shipped sources, fresh database, no network")
    tz = load_config(ROOT / "config").settings.tz
    with open_store(":memory:") as store:
        store.upsert_items(_calls(random.Random(7)), now=NOW)
        grouped = update_groups(store, tz)
        seconds = median_time(lambda: update_groups(store, tz), runs=5)
    yield Figure(f"regroup_{CALLS}_calls", seconds, "s",
                 baseline=f"{grouped} items in duplicate groups ({CALLS // 10} planted pairs)",
                 goal="< 1 s (runs once per poll)")
