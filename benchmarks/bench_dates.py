"""How fast monitor.text.dates reads dates: find_dates over the recorded regeringen.se remiss page.

Run alone: ``python -m benchmarks dates``. The baseline is the same page through
``dateparser.search.search_dates`` (which this module does not use on whole pages).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from monitor.config.settings import DEFAULT_TIMEZONE
from monitor.text.dates import find_dates

from .common import Figure

PAGE = (Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "se"
        / "regeringen_remiss_open_ds-2026-15.html")
TODAY = date(2026, 11, 22)
TZ = ZoneInfo(DEFAULT_TIMEZONE)


def _rate(fn, seconds: float) -> tuple[int, float]:
    """(calls, elapsed) running fn repeatedly for about ``seconds``."""
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        calls += 1
    return calls, elapsed


def run() -> Iterator[Figure]:
    text = " ".join(BeautifulSoup(PAGE.read_bytes(), "lxml").get_text(" ").split())
    per_page = len(find_dates(text, today=TODAY, tz=TZ))
    calls, elapsed = _rate(lambda: find_dates(text, today=TODAY, tz=TZ), 2.0)
    from dateparser.search import search_dates

    search_dates(text, languages=["sv", "en"])  # load dateparser's data before timing
    base_calls, base_elapsed = _rate(lambda: search_dates(text, languages=["sv", "en"]), 2.0)
    ours, theirs = calls / elapsed, base_calls / base_elapsed
    yield Figure(f"dates_find_dates_page ({per_page} dates)", ours, "pages/s",
                 baseline=f"dateparser.search_dates {theirs:,.1f} pages/s "
                          f"({ours / theirs:.0f}x)")
