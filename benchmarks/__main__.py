"""Run every benchmark module and print one line per figure."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

# Issue 15's "Done when", printed together at the end of a run that measured them.
DONE_WHEN = ("calls --limit 50 as a new process", "sqlite-utils query of the same 50 calls",
             "calls --limit 50 / sqlite-utils query", "peak_rss_poll_", "digests_week_")


def main(selected: list[str]) -> int:
    package = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(package)])
                   if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    started = time.perf_counter()
    failures = 0
    done_when: list[str] = []
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"# {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        try:
            for figure in module.run():
                print(figure.line(), flush=True)
                if figure.name.startswith(DONE_WHEN):
                    done_when.append(figure.line())
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            failures += 1
            print(f"{name}: FAILED: {type(exc).__name__}: {exc}", flush=True)
    if done_when:
        print("# side by side (issue 15, done when): start-up vs sqlite-utils <= 1.5 x, "
              "poll peak RSS <= 200 MB, week's digests <= 2 s", flush=True)
        for line in done_when:
            print(line, flush=True)
    print(f"# all benchmarks: {time.perf_counter() - started:.0f} s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
