"""How fast monitor.dates reads dates: find_dates over the recorded regeringen.se remiss page.

Run: ``PYTHONPATH=. python benchmarks/bench_dates.py``. Prints one line per figure; for
comparison, the same page through ``dateparser.search.search_dates`` (which this module does
not use on whole pages).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup

from monitor.dates import find_dates

PAGE = (Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "dates"
        / "regeringen_remiss_open_ds-2026-15.html")
TODAY = date(2026, 11, 22)


def _rate(fn, seconds: float) -> tuple[int, float]:
    """(calls, elapsed) running fn repeatedly for about ``seconds``."""
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        calls += 1
    return calls, elapsed


def main() -> None:
    text = " ".join(BeautifulSoup(PAGE.read_bytes(), "lxml").get_text(" ").split())
    per_page = len(find_dates(text, today=TODAY))
    calls, elapsed = _rate(lambda: find_dates(text, today=TODAY), 2.0)
    print(f"dates.find_dates remiss page ({len(text)} chars, {per_page} dates): "
          f"{calls / elapsed:,.0f} pages/s, {calls * per_page / elapsed:,.0f} dates/s, "
          f"{elapsed / calls * 1e3:.3f} ms/page")
    from dateparser.search import search_dates

    search_dates(text, languages=["sv", "en"])  # load dateparser's data before timing
    calls, elapsed = _rate(lambda: search_dates(text, languages=["sv", "en"]), 2.0)
    print(f"dateparser.search_dates same page (comparison): {calls / elapsed:,.1f} pages/s, "
          f"{elapsed / calls * 1e3:.1f} ms/page")


if __name__ == "__main__":
    main()
