"""How fast the matchers tag: items per second over 100,000 synthetic items.

Run alone: ``python -m benchmarks.bench_tagging`` prints ``tagging_throughput <value> items/s``;
``python -m benchmarks tagging`` prints it in the common figure format. The items come from
``benchmarks/synthetic.py`` (deterministic); the rules are the shipped ``config/``.
"""

from __future__ import annotations

import sys
import time
from typing import Iterator

from monitor.config import load_config

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


def run() -> Iterator[Figure]:
    rate, tagged = throughput()
    yield Figure("tagging_throughput", rate, "items/s", goal=GOAL)
    yield Figure("tagging_share_with_committee", tagged / ITEMS, "share")


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else ITEMS
    print(f"tagging_throughput {throughput(count)[0]:.0f} items/s")
