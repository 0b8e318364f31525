"""Digests: building the week's digests for 10 subscriptions over 100,000 items.

The 8 committees' default subscriptions, the coordinator's ``all`` overview and one person
with a topic and a priority, each built (store queries, sections) and rendered as the mail
(text and HTML from the templates) for the 7 days before ``NOW``, on a copy of the
100,000-item store of ``bigstore.py``. Nothing is sent or recorded. As ``send_digests``,
the subscriptions are built inside one ``Store.remembering()`` block, a fresh one each run.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Iterator

from monitor.app import load_config, open_store
from monitor.config.settings import Config
from monitor.digests.build import Period, build_digest
from monitor.digests.dispatch import digest_message
from monitor.digests.subscriptions import Subscription, effective_subscriptions, subscribe
from monitor.store.database import Store

from .bigstore import NOW, pin_clock, store_copy
from .common import ROOT, Figure

EXTRA = (Subscription("all", "samordnare@tyreso.se"),
         Subscription("ks", "anna@tyreso.se", priorities=("verksamhetsutveckling",),
                      topics=("digitalisering",), lang="en"))


def prepare(db: Path, config: Config) -> None:
    """Add the two subscriptions beyond the committees' defaults."""
    with open_store(db) as store:
        for sub in EXTRA:
            subscribe(config, store, sub, now=NOW)


def week_digests(config: Config, store: Store) -> tuple[float, float, int, int]:
    """(seconds building, seconds rendering, digests, entries) for every subscription.

    As ``send_digests`` does, in one :meth:`Store.remembering` block (a fresh one each
    run, so no run reuses another's answers)."""
    built = rendered = 0.0
    count = entries = 0
    with store.remembering():
        for sub in effective_subscriptions(config, store):
            started = time.perf_counter()
            period = Period.containing(NOW, sub.frequency, config.settings.tz)
            digest = build_digest(config, store, sub, period, since=NOW - timedelta(days=7),
                                  until=NOW)
            middle = time.perf_counter()
            digest_message(config, digest, NOW).as_bytes()
            built, rendered = built + middle - started, rendered + time.perf_counter() - middle
            count += 1
            entries += sum(s.total for g in digest.groups for s in g.sections)
    return built, rendered, count, entries


def run(runs: int = 3) -> Iterator[Figure]:
    pin_clock()
    config = load_config(ROOT / "config")
    with tempfile.TemporaryDirectory(prefix="monitor-bench-digest-") as tmp:
        db = store_copy(Path(tmp) / "digest.db")
        prepare(db, config)
        with open_store(db) as store:
            results = [week_digests(config, store) for _ in range(runs)]
    totals = [b + r for b, r, _, _ in results]
    total = statistics.median(totals)
    built, rendered, count, entries = results[totals.index(total)]
    yield Figure(f"digests_week_{count}_subscriptions", total, "s",
                 baseline=f"{entries:,} entries; build {built:.2f} s, render {rendered:.2f} s; "
                          f"{(built + rendered) / entries * 1000:.2f} ms per entry "
                          f"(median of {runs})",
                 goal=f"<= 2 s ({total / 2:.2f} x the goal: {'met' if total <= 2 else 'not met'})")
