"""meetings.toml: the shipped calendar, iCalendar files and every kind of mistake."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from monitor.app import load_config
from monitor.decisions.meetings import meetings
from monitor.errors import ConfigError


def write(config_dir, text: str) -> None:
    (config_dir / "meetings.toml").write_text(text, encoding="utf-8")


def test_shipped_calendar_covers_2026_and_2027_for_every_committee(config):
    plan = meetings(config)
    assert plan.board == "ks" and plan.application_days == 7
    assert set(plan.bodies) == set(config.extras["committees"])
    ks = plan.bodies["ks"]
    assert ks.submission_days == 21 and plan.bodies["bun"].submission_days == 14
    for body in plan.bodies.values():
        years = {d.year for d in body.dates}
        assert years == {2026, 2027}
        assert not [d for d in body.dates if d.month == 7]  # summer break
        assert all(d.weekday() < 5 for d in body.dates)     # weekdays only
    assert len(ks.dates) == 22 and list(ks.dates) == sorted(ks.dates)


def test_absent_file_means_no_calendar(config_dir):
    (config_dir / "meetings.toml").unlink()
    plan = meetings(load_config(config_dir))
    assert plan.bodies == {} and plan.body("ks") is None


def test_unknown_committee_id_names_file_key_and_valid_ids(config_dir):
    write(config_dir, "[committee.fritid]\ndates = [2027-01-01]\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    text = str(caught.value)
    assert "meetings.toml" in text and "committee.fritid" in text
    assert "ks, bun, gvn" in text  # the valid ids, from committees.toml


def test_unknown_board_id(config_dir):
    write(config_dir, 'board = "kf"\n')
    with pytest.raises(ConfigError, match=r"meetings.toml: board: unknown committee id 'kf'"):
        load_config(config_dir)


@pytest.mark.parametrize(("body", "message"), [
    ('dates = ["2027-13-01"]', r"committee.ks.dates: not a date \(YYYY-MM-DD\): '2027-13-01'"),
    ("dates = [2027-01-26T18:00:00]", r"committee.ks.dates: must be a list of dates"),
    ("dates = [20270126]", r"committee.ks.dates: must be a list of dates"),
    ('dates = "2027-01-26"', r"committee.ks.dates: must be list"),
    ("submission_days = -1", r"committee.ks.submission_days: must be 0 or more"),
    ("datum = [2027-01-26]", r"committee.ks.datum: unknown key \(valid: dates, ics, "
                             r"submission_days, url\)"),
    ('url = "insynsverige.se/tyreso-ks"', r"committee.ks.url: must be an http\(s\) URL"),
])
def test_bad_values_in_a_body(config_dir, body, message):
    write(config_dir, f"[committee.ks]\n{body}\n")
    with pytest.raises(ConfigError, match=message):
        load_config(config_dir)


def test_toml_impossible_date_is_a_syntax_error_with_line(config_dir):
    write(config_dir, "[committee.ks]\ndates = [2027-02-30]\n")
    with pytest.raises(ConfigError, match=r"meetings.toml: line 2"):
        load_config(config_dir)


def test_unknown_top_level_key(config_dir):
    write(config_dir, "lead_days = 3\n")
    with pytest.raises(ConfigError, match=r"lead_days: unknown key \(valid: application_days, "
                                          r"board, committee, example_dates, submission_days\)"):
        load_config(config_dir)


def test_defaults_and_string_dates(config_dir):
    write(config_dir, 'submission_days = 10\napplication_days = 3\n'
                      '[committee.ks]\ndates = ["2027-02-23", 2027-01-26, 2027-01-26]\n')
    plan = meetings(load_config(config_dir))
    assert plan.application_days == 3
    assert plan.bodies["ks"].submission_days == 10
    assert plan.bodies["ks"].dates == (date(2027, 1, 26), date(2027, 2, 23))


def ics_file(path, events) -> None:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//meetings//")
    calendar.add("version", "2.0")
    for index, (start, extra) in enumerate(events):
        event = icalendar.Event()
        event.add("uid", f"m{index}@test")
        event.add("summary", "Kommunstyrelsen")
        event.add("dtstart", start)
        for key, value in extra.items():
            event.add(key, value)
        calendar.add_component(event)
    path.write_bytes(calendar.to_ical())


def test_ics_dates_are_merged_and_cancelled_ones_skipped(config_dir):
    sthlm = ZoneInfo("Europe/Stockholm")
    ics_file(config_dir / "ks.ics", [
        (datetime(2027, 3, 23, 18, 0, tzinfo=sthlm), {}),
        (datetime(2027, 4, 19, 22, 30, tzinfo=ZoneInfo("UTC")), {}),  # 00:30 on 20 April here
        (date(2027, 5, 25), {}),
        (date(2027, 6, 15), {"status": "CANCELLED"}),
    ])
    write(config_dir, '[committee.ks]\nics = "ks.ics"\ndates = [2027-01-26]\n')
    plan = meetings(load_config(config_dir))
    assert plan.bodies["ks"].dates == (date(2027, 1, 26), date(2027, 3, 23), date(2027, 4, 20),
                                       date(2027, 5, 25))


@pytest.mark.parametrize(("content", "message"), [
    (None, r"committee.ks.ics: cannot read"),
    (b"not a calendar", r"committee.ks.ics: .*ks.ics is not an iCalendar file"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", r"holds no meetings"),
])
def test_bad_ics(config_dir, content, message):
    if content is not None:
        (config_dir / "ks.ics").write_bytes(content)
    write(config_dir, '[committee.ks]\nics = "ks.ics"\n')
    with pytest.raises(ConfigError, match=message):
        load_config(config_dir)


def test_recurring_ics_events_are_refused(config_dir):
    ics_file(config_dir / "ks.ics", [(date(2027, 1, 26), {"rrule": {"freq": "monthly"}})])
    write(config_dir, '[committee.ks]\nics = "ks.ics"\n')
    with pytest.raises(ConfigError, match=r"recurring events \(RRULE\) are not supported"):
        load_config(config_dir)
