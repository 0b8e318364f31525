"""monitor.text.dates: finding Swedish and English dates in text and telling what they are.

The phrase table lives in tests/fixtures/dates/phrases.txt, each input next to what it must
give (feedparser style); the tests below cover the pickers, parse_date and working days.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from monitor.text.dates import (FoundDate, easter_sunday, find_dates, find_deadline, find_opening,
                                find_published, next_working_day, parse_date, swedish_holidays,
                                yearly_deadline)
from tests.conftest import FIXTURES

HERE = FIXTURES / "dates"
TODAY = date(2026, 11, 22)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
BRUSSELS = ZoneInfo("Europe/Brussels")


@dataclass
class Case:
    text: str
    expected: list[str]
    today: date = TODAY
    language: str | None = None
    anchor: date | None = None  # the page's own date


def _read_cases() -> list[Case]:
    blocks = (HERE / "phrases.txt").read_text(encoding="utf-8").split("\n\n")
    cases = []
    for block in blocks:
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        if not any(line.strip() for line in lines):
            continue
        case = Case(text="", expected=[])
        text = []
        for line in lines:
            if line.startswith("@ "):
                options = dict(part.split("=", 1) for part in line[2:].split())
                case.today = date.fromisoformat(options.get("today", TODAY.isoformat()))
                case.language = options.get("language")
                if "anchor" in options:
                    case.anchor = date.fromisoformat(options["anchor"])
            elif line.startswith("-> "):
                case.expected.append(line[3:].strip())
            else:
                text.append(line)
        case.text = "\n".join(text)
        assert case.expected, f"case without expectation: {case.text!r}"
        cases.append(case)
    return cases


def _clock(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def _describe(found: FoundDate) -> str:
    """One found date in the notation of phrases.txt."""
    zone = getattr(found.when.tzinfo, "key", None) or found.when.strftime("%z")
    words = [found.role, _clock(found.when), zone]
    if found.end:
        words += ["–", _clock(found.end)]
    if found.approximate:
        words.append("approximate")
    if found.has_time:
        words.append("time")
    return " ".join(words)


CASES = _read_cases()


def test_the_phrase_table_is_large() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[c.text.replace("\n", " ")[:60] for c in CASES])
def test_phrase(case: Case) -> None:
    found = find_dates(case.text, today=case.today, tz=STOCKHOLM, language=case.language,
                       anchor=case.anchor)
    got = [_describe(f) for f in found] or ["none"]
    assert got == case.expected
    for f in found:
        assert f.when.tzinfo is not None and (f.end is None or f.end.tzinfo is not None)
        assert f.text and "  " not in f.text and "\n" not in f.text


def test_snippet_is_the_sentence_the_date_came_from() -> None:
    text = ("Utlysningen riktar sig till kommuner. Sista ansökningsdag är 1 mars 2027.  "
            "Frågor besvaras av UHR.")
    [found] = find_dates(text, today=TODAY, tz=STOCKHOLM)
    assert found.text == "Sista ansökningsdag är 1 mars 2027."


# --- the genuine remiss page -----------------------------------------------------------------

def _remiss_text(separator: str) -> str:
    html = (HERE.parent / "se" / "regeringen_remiss_open_ds-2026-15.html").read_bytes()
    return BeautifulSoup(html, "lxml").get_text(separator)


@pytest.mark.parametrize("separator", [" ", "\n"])
def test_remiss_page_deadline_and_publication(separator: str) -> None:
    text = _remiss_text(separator)
    deadline = find_deadline(text, today=TODAY, tz=STOCKHOLM)
    assert deadline.when == datetime(2026, 10, 30, 23, 59, tzinfo=STOCKHOLM)
    assert "senast den 30 oktober 2026" in deadline.text
    published = find_published(text, today=TODAY, tz=STOCKHOLM)
    assert published.when == datetime(2026, 7, 2, tzinfo=STOCKHOLM)
    roles = [f.role for f in find_dates(text, today=TODAY, tz=STOCKHOLM)]
    # the page's own date, the deadline, then the "Relaterat" list (published 2 July, 18 and
    # 4 May twice); the Ds number 2026:15 on the page is not a date
    assert roles == ["published", "deadline"] + ["published"] * 4


# --- picking the deadline and the opening ----------------------------------------------------

def test_deadline_is_the_soonest_future_one() -> None:
    text = "Sista ansökningsdag 15 februari samt 15 april."
    assert find_deadline(text, today=date(2027, 3, 1),
                         tz=STOCKHOLM).when.date() == date(2027, 4, 15)
    assert find_deadline(text, today=TODAY, tz=STOCKHOLM).when.date() == date(2027, 2, 15)


def test_deadline_all_past_gives_the_latest() -> None:
    text = "Öppnade 1 september 2024. Stängde 1 oktober 2024, förlängd till 15 oktober 2024."
    assert find_deadline(text, today=TODAY, tz=STOCKHOLM).when.date() == date(2024, 10, 15)


def test_deadline_with_a_time_beats_the_same_day_without() -> None:
    text = ("Utlysning 2020/00518 Startdatum 2020-08-24 Slutdatum 2020-10-29 Utlyst belopp "
            "20 000 000 kr. Utlysningen stänger kl.16.00 den 29 oktober 2020.")
    found = find_deadline(text, today=TODAY, tz=STOCKHOLM)
    assert found.when == datetime(2020, 10, 29, 16, 0, tzinfo=STOCKHOLM) and found.has_time
    assert find_opening(text, today=TODAY, tz=STOCKHOLM).when == datetime(2020, 8, 24,
                                                                          tzinfo=STOCKHOLM)


def test_deadline_from_a_window_end() -> None:
    found = find_deadline("Ansök 15 september–15 oktober", today=TODAY, tz=STOCKHOLM)
    assert found.role == "deadline" and found.end is None
    assert found.when == datetime(2027, 10, 15, 23, 59, tzinfo=STOCKHOLM)


def test_stated_deadline_beats_an_unlabelled_window() -> None:
    text = "Konferens 10–12 mars 2027. Sista anmälningsdag 1 februari 2027."
    assert find_deadline(text, today=TODAY, tz=STOCKHOLM).when.date() == date(2027, 2, 1)


def test_no_deadline() -> None:
    assert find_deadline("Publicerad 3 juli 2026", today=TODAY, tz=STOCKHOLM) is None
    assert find_deadline("", today=TODAY, tz=STOCKHOLM) is None


def test_opening_of_the_round_still_open() -> None:
    text = "Ansökningsperioder 15 februari–15 mars och 15 september–15 oktober."
    found = find_opening(text, today=date(2027, 3, 1), tz=STOCKHOLM)
    assert found.role == "opens"
    assert (found.when.date(), found.end.date()) == (date(2027, 2, 15), date(2027, 3, 15))
    assert find_opening(text, today=date(2027, 3, 20),
                        tz=STOCKHOLM).when.date() == date(2027, 9, 15)


def test_opening_approximate_and_past() -> None:
    text = "Beräknas öppna i december 2022/januari 2023 och stänga i mars 2023"
    found = find_opening(text, today=TODAY, tz=STOCKHOLM)
    assert found.approximate and found.when == datetime(2022, 12, 1, tzinfo=STOCKHOLM)
    assert find_deadline(text, today=TODAY, tz=STOCKHOLM).when == datetime(2023, 3, 1,
                                                                           tzinfo=STOCKHOLM)
    assert find_opening("Öppnar 12 augusti 2024", today=TODAY,
                        tz=STOCKHOLM).when.date() == date(2024, 8, 12)


def test_today_as_an_aware_datetime() -> None:
    evening = datetime(2027, 2, 1, 22, 0, tzinfo=timezone.utc)  # 23:00 in Stockholm
    found = find_deadline("Sista ansökningsdag 1 februari", today=evening, tz=STOCKHOLM)
    assert found.when == datetime(2027, 2, 1, 23, 59, tzinfo=STOCKHOLM)
    later = datetime(2027, 2, 1, 23, 30, tzinfo=timezone.utc)
    assert find_deadline("Sista ansökningsdag 1 februari", today=later,
                         tz=STOCKHOLM).when.year == 2028


def test_other_default_zone() -> None:
    [found] = find_dates("senast 1 mars 2027", today=TODAY, tz=ZoneInfo("Europe/Helsinki"))
    assert found.when == datetime(2027, 3, 1, 23, 59, tzinfo=ZoneInfo("Europe/Helsinki"))


# --- one date string -------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("02 juli 2026", datetime(2026, 7, 2, tzinfo=STOCKHOLM)),
    ("2026-07-03", datetime(2026, 7, 3, tzinfo=STOCKHOLM)),
    ("30 oktober 2026 kl. 16.00", datetime(2026, 10, 30, 16, 0, tzinfo=STOCKHOLM)),
    ("2 December 2022", datetime(2022, 12, 2, tzinfo=STOCKHOLM)),
    ("2026/09/28 23:59:59", datetime(2026, 9, 28, 23, 59, 59, tzinfo=STOCKHOLM)),
    ("Tue, 03 Mar 2026 10:00:00 +0200",
     datetime(2026, 3, 3, 10, 0, tzinfo=timezone(timedelta(hours=2)))),
    ("Thu, 02 Jul 2026 08:00:00 GMT", datetime(2026, 7, 2, 8, 0, tzinfo=timezone.utc)),
    ("2027-04-08T00:00:00.000+0000", datetime(2027, 4, 8, tzinfo=timezone.utc)),
    ("2026-10-13T14:00:00", datetime(2026, 10, 13, 14, 0, tzinfo=STOCKHOLM)),
    ("30&nbsp;oktober&nbsp;2026", datetime(2026, 10, 30, tzinfo=STOCKHOLM)),
    ("december 2022", datetime(2022, 12, 1, tzinfo=STOCKHOLM)),
    ("3. März 2027", datetime(2027, 3, 3, tzinfo=STOCKHOLM)),  # dateparser, the last handler
    ("2026", None),
    ("Ds 2026:15", None),
    ("", None),
    ("ingen dag alls", None),
])
def test_parse_date(value: str, expected: datetime | None) -> None:
    assert parse_date(value, today=TODAY, tz=STOCKHOLM) == expected


def test_parse_date_as_deadline() -> None:
    assert parse_date("2026-07-03", today=TODAY, tz=STOCKHOLM, role="deadline") == datetime(
        2026, 7, 3, 23, 59, tzinfo=STOCKHOLM)
    assert parse_date("1 februari", today=TODAY, tz=STOCKHOLM, role="deadline") == datetime(
        2027, 2, 1, 23, 59, tzinfo=STOCKHOLM)
    assert parse_date("1–15 mars 2027", today=TODAY, tz=STOCKHOLM, role="deadline") == datetime(
        2027, 3, 15, 23, 59, tzinfo=STOCKHOLM)
    assert parse_date("2 juli", today=TODAY, tz=STOCKHOLM, role="published") == datetime(
        2026, 7, 2, tzinfo=STOCKHOLM)


# --- working days ----------------------------------------------------------------------------

def test_easter() -> None:
    assert [easter_sunday(y) for y in (2024, 2025, 2026, 2027, 2038)] == [
        date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28),
        date(2038, 4, 25)]


def test_swedish_holidays_2026() -> None:
    assert swedish_holidays(2026) == {
        date(2026, 1, 1), date(2026, 1, 6), date(2026, 4, 3), date(2026, 4, 4),
        date(2026, 4, 5), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 14),
        date(2026, 5, 24), date(2026, 6, 6), date(2026, 6, 19), date(2026, 6, 20),
        date(2026, 10, 31), date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26),
        date(2026, 12, 31)}


def test_swedish_holidays_2027_moving_days() -> None:
    days = swedish_holidays(2027)
    assert {date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 16),
            date(2027, 6, 25), date(2027, 6, 26), date(2027, 11, 6)} <= days
    assert date(2027, 4, 5) not in days  # 2026's Easter Monday is no holiday in 2027


@pytest.mark.parametrize("day, expected", [
    (date(2026, 2, 2), date(2026, 2, 2)),      # a Monday
    (date(2026, 1, 31), date(2026, 2, 2)),     # Saturday → Monday
    (date(2026, 4, 3), date(2026, 4, 7)),      # långfredag → Tuesday after annandag påsk
    (date(2027, 3, 26), date(2027, 3, 30)),    # långfredag 2027
    (date(2026, 6, 19), date(2026, 6, 22)),    # midsommarafton → Monday
    (date(2026, 12, 24), date(2026, 12, 28)),  # julafton, juldagen, annandag, weekend
    (date(2026, 12, 31), date(2027, 1, 4)),    # nyårsafton, nyårsdagen, weekend
    (date(2027, 1, 6), date(2027, 1, 7)),      # trettondedag jul (a Wednesday)
])
def test_next_working_day(day: date, expected: date) -> None:
    assert next_working_day(day) == expected


def test_yearly_deadline_nordplus() -> None:
    # 1 February 2026 is a Sunday: the deadline moves to Monday 2 February
    assert yearly_deadline(2, 1, today=date(2026, 1, 10), tz=BRUSSELS) == datetime(
        2026, 2, 2, 23, 59, tzinfo=BRUSSELS)
    assert yearly_deadline(2, 1, today=date(2026, 2, 2), tz=STOCKHOLM) == datetime(
        2026, 2, 2, 23, 59, tzinfo=STOCKHOLM)
    assert yearly_deadline(2, 1, today=date(2026, 2, 3), tz=STOCKHOLM) == datetime(
        2027, 2, 1, 23, 59, tzinfo=STOCKHOLM)  # a Monday
    assert yearly_deadline(10, 1, today=TODAY, tz=STOCKHOLM, hour=16, minute=0) == datetime(
        2027, 10, 1, 16, 0, tzinfo=STOCKHOLM)
    # 1 February 2031 is a Saturday
    assert yearly_deadline(2, 1, today=date(2030, 12, 1), tz=STOCKHOLM).date() == date(2031, 2, 3)


def test_yearly_deadline_passed_today_and_leap_day() -> None:
    after = datetime(2026, 2, 2, 23, 0, tzinfo=timezone.utc)  # past 23:59 Stockholm
    assert yearly_deadline(2, 1, today=after, tz=STOCKHOLM).date() == date(2027, 2, 1)
    assert yearly_deadline(2, 29, today=TODAY, tz=STOCKHOLM).date() == date(2028, 2, 29)
    with pytest.raises(ValueError):
        yearly_deadline(2, 30, today=TODAY, tz=STOCKHOLM)


# --- robustness ------------------------------------------------------------------------------

ALPHABET = ("0123456789 .,:;-–/()&#;\n\t\u00a0abcdefghijklmnopqrstuvwxyzåäöÅÄÖ"
            "januarifebmsoktdcT+Z\u200b\ufeff€🙂Ω")
WORDS = ["senast", "den", "kl.", "16.00", "23:59", "CET", "2026", "2027-02-30", "31", "29",
         "februari", "mars", "i", "–", "till", "och", "mellan", "Publicerad", "öppnar", "May",
         "1:a", "&nbsp;", "Q1", "Ds", "2026:15", "24:00", "99:99", "+0200", "T", "/"]


def test_random_text_never_raises() -> None:
    rng = random.Random(20261122)
    for _ in range(1500):
        if rng.random() < 0.5:
            text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 80)))
        else:
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 15)))
        today = date(rng.randint(1990, 2090), rng.randint(1, 12), rng.randint(1, 28))
        for found in find_dates(text, today=today, tz=STOCKHOLM):
            assert found.role in ("deadline", "opens", "published", "updated", "unknown")
            assert found.when.tzinfo is not None
        find_deadline(text, today=today, tz=STOCKHOLM)
        find_opening(text, today=today, tz=STOCKHOLM)
        parse_date(text[:40], today=today, tz=STOCKHOLM)


@pytest.mark.parametrize("words", ["svensk tid", "Swedish time", "Stockholm time"])
def test_swedish_time_is_the_callers_zone(words: str) -> None:
    """The zone is the caller's (settings' timezone); a text saying Swedish time is read in
    it, while a zone the text names otherwise (CET) is kept."""
    helsinki = ZoneInfo("Europe/Helsinki")
    text = f"Sista ansökningsdag 1 mars 2027 kl. 12.00 ({words})"
    for zone in (STOCKHOLM, helsinki):
        found = find_deadline(text, today=TODAY, tz=zone)
        assert found.when == datetime(2027, 3, 1, 12, 0, tzinfo=zone) and found.has_time
    cet = find_deadline("Deadline 1 March 2027 12:00 CET", today=TODAY, tz=helsinki)
    assert cet.when.utcoffset() == timedelta(hours=1)
