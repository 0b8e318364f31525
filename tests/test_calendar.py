"""``monitor calendar``: an iCalendar file that Outlook and Google import, with stable UIDs."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from monitor.decisions.calendar_export import build_calendar, event_uid
from tests.conftest import NOW
from tests.mailfixtures import item, mail_env, seeded, utc  # noqa: F401 - fixtures


def _events(data: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(data)
    return {str(e["SUMMARY"]): {"uid": str(e["UID"]), "start": e.decoded("DTSTART"),
                                "end": e.decoded("DTEND"), "sequence": int(e["SEQUENCE"]),
                                "url": str(e.get("URL", ""))}
            for e in calendar.walk("VEVENT")}


def test_calendar_has_deadlines_and_coming_openings(config, seeded):  # noqa: ANN001, F811
    seeded.upsert_items([item("H", "Kommande Nordplus", opens=utc(2027, 1, 10),
                              deadlines=[utc(2027, 2, 1, 22, 59)])], now=NOW)
    data = build_calendar(config, seeded, now=NOW)
    calendar = Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "Utlysningar: sista dagar"
    events = _events(data)
    a = events["Sista dag: Skolutveckling i Europa (10 december 2026 kl. 17:00)"]
    assert (a["start"], a["end"]) == (date(2026, 12, 10), date(2026, 12, 11))
    assert a["uid"] == event_uid("eu-funding:A", "deadline")
    assert a["url"] == "https://example.org/calls/A"
    # 23:59 local on 1 February is that day, not the next
    assert events["Sista dag: Kommande Nordplus (1 februari 2027)"]["start"] == date(2027, 2, 1)
    assert events["Öppnar: Kommande Nordplus"]["start"] == date(2027, 1, 10)
    assert not any("Stängd" in summary for summary in events)  # closed calls are left out
    assert not any("skollag" in summary for summary in events)  # legislation too


def test_uids_are_stable_and_a_moved_deadline_updates_the_event(config, seeded):  # noqa: ANN001, F811
    before = _events(build_calendar(config, seeded, now=NOW))
    b_before = next(v for k, v in before.items() if "Digitalisering" in k)
    assert before == _events(build_calendar(config, seeded, now=NOW))  # same file twice
    seeded.upsert_items([item("B", "Digitalisering i förskolan", deadlines=[utc(2027, 5, 1)],
                              opens=utc(2026, 10, 1))], now=NOW)
    after = _events(build_calendar(config, seeded, now=NOW))
    b_after = next(v for k, v in after.items() if "Digitalisering" in k)
    assert b_after["uid"] == b_before["uid"]
    assert b_after["sequence"] > b_before["sequence"]
    assert b_after["start"] == date(2027, 5, 1)


def test_committee_filter_and_english(config, seeded):  # noqa: ANN001, F811
    events = _events(build_calendar(config, seeded, committee="shn", lang="en", now=NOW))
    assert list(events) == ["Deadline: Klimatanpassning i kommuner (1 February 2027)"]
    name = Calendar.from_ical(build_calendar(config, seeded, committee="shn", lang="en", now=NOW))
    assert str(name["X-WR-CALNAME"]) == "Calls for Committee for Urban Development and Sustainability"


def test_calendar_command_writes_a_file(cli, config, seeded, tmp_path):  # noqa: ANN001, F811
    target = tmp_path / "bun.ics"
    result = cli("calendar", "--committee", "bun", "--output", str(target))
    assert result.exit_code == 0 and "händelser skrivna till" in result.output
    events = _events(target.read_bytes())
    # A, B and D; E is legislation, G closed; and B's KS decision (A and D are too late for one)
    assert len(events) == 4
    assert events["Ärende till nämnden senast: Digitalisering i förskolan"]["start"] == \
        date(2027, 1, 27)
    stdout = cli("calendar", "--committee", "bun")
    assert stdout.stdout.startswith("BEGIN:VCALENDAR")
    bad = cli("calendar", "--committee", "all")
    assert bad.exit_code == 2 and "Giltiga: ks, bun" in bad.output
    english = cli("calendar", "--committee", "bun", "--output", str(target), lang="en")
    assert "events written to" in english.output
