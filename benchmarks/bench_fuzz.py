"""Fuzz soak: 10,000 mutations with 2 MB values and 20,000-deep nesting through every parser.

The suite's test (tests/reliability/test_fuzz.py) runs 1,000 smaller ones in seconds; this
one runs longer with larger values and reports how the parsers hold up. Any exception other
than a MonitorError fails the benchmark, naming the seed response and the operations.
"""

from __future__ import annotations

import os
import time
from typing import Iterator

from .common import Figure, peak_rss_mb, percentile

MUTATIONS = 10_000
SEED = 7


def run() -> Iterator[Figure]:
    os.environ.setdefault("MONITOR_NOW", "2026-11-22T08:00:00+00:00")
    from monitor.errors import MonitorError
    from tests.reliability.corpus import seeds
    from tests.reliability.mutate import Mutator

    corpus = seeds()
    mutator = Mutator(SEED, huge=2_000_000, deep=20_000, copies=50)
    times, errors, escaped = [], 0, []
    slowest = (0.0, "")
    started = time.perf_counter()
    for i in range(MUTATIONS):
        seed = corpus[i % len(corpus)]
        body, operations = mutator.mutate(seed.body)
        begun = time.perf_counter()
        try:
            seed.parse(body)
        except MonitorError:
            errors += 1
        except Exception as exc:  # noqa: BLE001 - what the soak looks for
            escaped.append(f"#{i} {seed.label} {operations}: {type(exc).__name__}: {exc}")
        times.append(time.perf_counter() - begun)
        if times[-1] > slowest[0]:
            slowest = (times[-1], f"#{i} {seed.label} {'+'.join(operations)} {len(body):,} B")
    elapsed = time.perf_counter() - started
    if escaped:
        raise RuntimeError(f"{len(escaped)} escaped: {escaped[0][:300]}")
    yield Figure("fuzz_soak_escaped", len(escaped), "count", goal="0")
    yield Figure("fuzz_soak_parse_errors", errors, "count",
                 baseline=f"of {MUTATIONS:,} mutations")
    yield Figure("fuzz_soak_rate", MUTATIONS / elapsed, "per s")
    yield Figure("fuzz_soak_parse_p99", percentile(times, 99) * 1000, "ms")
    yield Figure("fuzz_soak_parse_max", slowest[0], "s", baseline=slowest[1])
    yield Figure("fuzz_soak_peak_rss", peak_rss_mb(), "MB")
