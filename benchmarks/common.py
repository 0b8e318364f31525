"""What every benchmark shares: the Figure line, medians, timers, a throwaway config."""

from __future__ import annotations

import resource
import shutil
import statistics
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    """One measured figure and what it is compared with."""

    name: str
    value: float
    unit: str
    baseline: str = ""
    goal: str = ""

    def line(self) -> str:
        value = f"{self.value:,.3f}" if self.value < 100 else f"{self.value:,.0f}"
        parts = [f"{self.name:<44} {value:>10} {self.unit:<8}"]
        if self.baseline:
            parts.append(f"baseline: {self.baseline}")
        if self.goal:
            parts.append(f"goal: {self.goal}")
        return "  ".join(parts)


def median_time(fn: Callable[[], object], runs: int = 5) -> float:
    """Median wall-clock seconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    On Linux the high-water mark of this process's own memory (``VmHWM``): ``ru_maxrss``
    carries the parent's peak into a child across fork and exec, so a child started by a
    large benchmark process would report the parent's size. Elsewhere ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def scratch_config(sources_toml: str | None = None) -> Iterator[Path]:
    """A copy of the shipped config in a temporary folder, with its own database."""
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as tmp:
        target = Path(tmp) / "config"
        shutil.copytree(ROOT / "config", target)
        settings = target / "settings.toml"
        settings.write_text(settings.read_text(encoding="utf-8").replace(
            'database = "../data/monitor.db"', f'database = "{Path(tmp) / "bench.db"}"'),
            encoding="utf-8")
        if sources_toml is not None:
            (target / "sources.toml").write_text(sources_toml, encoding="utf-8")
        yield target
