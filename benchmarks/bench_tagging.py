"""How fast the matchers tag: items per second over 100,000 synthetic items, and on long texts.

Run alone: ``python -m benchmarks.bench_tagging`` prints ``tagging_throughput <value> items/s``;
``python -m benchmarks tagging`` prints it in the common figure format. The items come from
``benchmarks/synthetic.py`` (deterministic); the rules are the shipped ``config/``. Their
summaries are one or two sentences; real descriptions (the EU portal's, WordPress posts,
programme pages) run to kilobytes, so the same is timed on 2 KB summaries: varied text (22
summaries joined) and repetitive text (one summary repeated, the same terms many times).
"""

from __future__ import annotations

import sys
import time
from typing import Iterator

from monitor.app import load_config

from .common import ROOT, Figure
from .synthetic import synthetic_items

ITEMS = 100_000
GOAL = "≥ 2,000 items/s"


def throughput(n: int = ITEMS) -> tuple[float, int]:
    """(items per second, items that got a committee) tagging ``n`` synthetic items once."""
    tagger = load_config(ROOT / "config").extras["matching"]
    items = synthetic_items(n, seed=0)
    started = time.perf_counter()
    tagged = sum(any(t.dimension == "committee" for t in tagger.tag(item)) for item in items)
    return n / (time.perf_counter() - started), tagged


def long_text_rate(repeated: bool, n: int = 300) -> float:
    """Items per second tagging ``n`` items whose summaries are about 2 KB."""
    tagger = load_config(ROOT / "config").extras["matching"]
    pool = synthetic_items(22 * n, seed=1)
    items = synthetic_items(n, seed=2)
    for k, item in enumerate(items):
        item.summary = " ".join([item.summary] * (2048 // (len(item.summary) + 1))) if repeated \
            else " ".join(p.summary for p in pool[22 * k:22 * (k + 1)])
    started = time.perf_counter()
    for item in items:
        tagger.tag(item)
    return n / (time.perf_counter() - started)


def run() -> Iterator[Figure]:
    rate, tagged = throughput()
    yield Figure("tagging_throughput", rate, "items/s", goal=GOAL)
    yield Figure("tagging_share_with_committee", tagged / ITEMS, "share")
    for label, repeated in (("varied", False), ("repetitive", True)):
        yield Figure(f"tagging_throughput_2kb_{label}", long_text_rate(repeated), "items/s",
                     baseline=f"short summaries {rate:,.0f} items/s")


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else ITEMS
    print(f"tagging_throughput {throughput(count)[0]:.0f} items/s")
