"""A store of 100,000 items for the query, digest and memory benchmarks, built once a run.

The items are ``synthetic_items(99_000)`` plus 1,000 of their calls copied to a second
source (same title and deadline), so duplicate groups exist as after a real poll. They are
stored with :meth:`Store.upsert_items` in 700 batches, one a day over the 700 days before
``NOW`` (about 1,000 new items a week, far more than a municipality sees: a stress test),
each followed by ``roll_forward`` as a poll does, so status changes are spread over time;
1 % of the older calls then get a moved deadline two days before ``NOW`` (history rows for
the "changed" section). No ANALYZE: query plans are those a user's database gets. Every item is
tagged with the shipped rules (the real tagger, as ingest does) and the duplicate groups are
computed, so the database looks like one after months of polling.
"""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from monitor.app import load_config, open_store
from monitor.model import CALL, Item
from monitor.pipeline.dedup import update_groups
from monitor.pipeline.ingest import tag_items
from monitor.store.database import Store

from .common import ROOT
from .synthetic import synthetic_items

ITEMS = 100_000
MIRRORED = 1_000
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)
NOW_ENV = {"MONITOR_NOW": NOW.isoformat()}
DAYS = 700


def pin_clock() -> None:
    """Every benchmark on the big store runs at ``NOW`` (the clock the tests use too)."""
    os.environ.update(NOW_ENV)


def _items() -> list[Item]:
    items = synthetic_items(ITEMS - MIRRORED, seed=0)
    calls = [i for i in items if i.kind == CALL]
    step = max(1, len(calls) // MIRRORED)
    mirrors = []
    for original in calls[::step][:MIRRORED]:
        mirror = copy.deepcopy(original)
        mirror.source, mirror.native_id = "synthetic-mirror", f"m-{original.native_id}"
        mirror.url = original.url.replace("example.org", "mirror.example.org")
        mirror.summary = ""  # the poorer copy: the group shows the original
        mirrors.append(mirror)
    return items + mirrors


def build(path: Path) -> dict[str, float]:
    """Fill a new database at ``path``; return how long each step took (seconds)."""
    pin_clock()
    config = load_config(ROOT / "config")
    tagger = config.extras["matching"]
    items = _items()
    per_day = -(-len(items) // DAYS)
    timings = {"upsert": 0.0, "tag": 0.0}
    with open_store(path) as store:
        for day in range(DAYS):
            batch = items[day * per_day:(day + 1) * per_day]
            when = NOW - timedelta(days=DAYS - day, hours=-1)
            started = time.perf_counter()
            with store.write():
                poll_id = store.start_poll(batch[0].source, now=when)
                store.upsert_items(batch, poll_id=poll_id, now=when)
                timings["upsert"] += time.perf_counter() - started
                started = time.perf_counter()
                tag_items(store, tagger, batch, when)
                store.finish_poll(poll_id, outcome="ok", items_parsed=len(batch), now=when)
            timings["tag"] += time.perf_counter() - started
            store.roll_forward(when)
        moved = [i for i in items[:len(items) * 9 // 10] if i.kind == CALL][::100]
        for item in moved:
            item.deadlines = [d + timedelta(days=14) for d in item.deadlines]
        started = time.perf_counter()
        store.upsert_items(moved, now=NOW - timedelta(days=2))
        timings["upsert"] += time.perf_counter() - started
        started = time.perf_counter()
        update_groups(store, config.settings.tz)
        timings["groups"] = time.perf_counter() - started
        store.roll_forward(NOW)  # as the poll at NOW would: listings then only read
    return timings


@lru_cache(maxsize=1)
def big_store() -> tuple[Path, dict[str, float]]:
    """The path of this run's 100,000-item database (built on first use) and build timings.

    Benchmarks that write (digests record nothing, listings roll forward nothing at NOW)
    should work on :func:`store_copy`.
    """
    folder = Path(tempfile.mkdtemp(prefix="monitor-bench-store-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "big.db"
    return path, build(path)


def store_copy(target: Path) -> Path:
    """A copy of the big store at ``target`` (a database file path)."""
    source, duplicate = sqlite3.connect(big_store()[0]), sqlite3.connect(target)
    source.backup(duplicate)
    source.close()
    duplicate.close()
    return target
