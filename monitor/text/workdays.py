"""Working days in Sweden: public holidays (röda dagar) and the next working day.

Funders move a deadline that falls on a weekend or holiday to the next working day (Nordplus:
1 February); the decision calendar and deadline rules use these functions.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

__all__ = ["easter_sunday", "swedish_holidays", "next_working_day"]


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the Meeus/Jones/Butcher algorithm)."""
    a, (b, c) = year % 19, divmod(year, 100)
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    days = {date(year, month, day) for month, day in
            ((1, 1), (1, 6), (5, 1), (6, 6), (12, 24), (12, 25), (12, 26), (12, 31))}
    # långfredag, påskafton, påskdagen, annandag påsk, Kristi himmelsfärd, pingstdagen
    days |= {easter + timedelta(days=n) for n in (-2, -1, 0, 1, 39, 49)}
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26)
                         if date(year, 6, d).weekday() == 4)
    all_saints = next(date(year, 10, 31) + timedelta(days=n) for n in range(7)
                      if (date(year, 10, 31) + timedelta(days=n)).weekday() == 5)
    return frozenset(days | {midsummer_eve, midsummer_eve + timedelta(days=1), all_saints})


def swedish_holidays(year: int) -> set[date]:
    """Swedish public holidays (röda dagar) in ``year``, with midsommarafton, julafton and
    nyårsafton, which are treated as non-working days."""
    return set(_holidays(year))


def next_working_day(d: date) -> date:
    """``d`` if it is a working day (Monday–Friday, not a holiday), else the next one."""
    while d.weekday() >= 5 or d in _holidays(d.year):
        d += timedelta(days=1)
    return d
