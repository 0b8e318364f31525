"""Real meeting dates fetched from an .ics URL or an Insyn meeting list on a local HTTP server,
merged with meetings.toml, listed by `monitor meetings`, and the example-dates note."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest

from monitor.app import after_poll_steps, load_config, open_store
from monitor.config.settings import database_path
from monitor.decisions.meeting_sources import parse_meeting_page, refresh_meetings
from monitor.decisions.meetings import meetings
from monitor.digests.decision_steps import meeting_note
from tests.conftest import FIXTURES, NOW
from tests.hermetic import edit_file

STHLM = ZoneInfo("Europe/Stockholm")
INSYN = (FIXTURES / "meetings" / "insyn_ks_sammantraden.html").read_bytes()
NOTE = "Besluta senast bygger på exempeldatum"


def ics_feed() -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//bun//")
    calendar.add("version", "2.0")
    for index, (start, status) in enumerate([
            (datetime(2027, 1, 13, 18, 0, tzinfo=STHLM), None), (date(2027, 2, 10), None),
            (date(2027, 3, 10), "CANCELLED"), (date(2027, 4, 7), None)]):
        event = icalendar.Event()
        event.add("uid", f"bun{index}@test")
        event.add("summary", "Barn- och utbildningsnämnden")
        event.add("dtstart", start)
        if status:
            event.add("status", status)
        calendar.add_component(event)
    return calendar.to_ical()


def set_url(config_dir, body: str, url: str) -> None:  # noqa: ANN001
    old = f"[committee.{body}]\n"
    edit_file(config_dir / "meetings.toml", (old, f'{old}url = "{url}"\n'))


def test_insyn_page_and_ics_feed_are_read():
    assert parse_meeting_page(INSYN, "https://insynsverige.se/tyreso-ks/", STHLM) == {
        date(2027, 1, 26), date(2027, 2, 23), date(2027, 3, 30), date(2027, 4, 27),
        date(2027, 6, 8), date(2027, 9, 14)}
    assert parse_meeting_page(ics_feed(), "x.ics", STHLM) == {
        date(2027, 1, 13), date(2027, 2, 10), date(2027, 4, 7)}
    with pytest.raises(ValueError, match="no meeting dates on the page"):
        parse_meeting_page(b"<html><p>Sidan har flyttat</p></html>", "u", STHLM)


def test_fetched_dates_replace_the_example_dates_of_that_body(config_dir, httpserver):  # noqa: ANN001
    httpserver.expect_request("/tyreso-ks/sammantraden").respond_with_data(
        INSYN, content_type="text/html; charset=utf-8")
    httpserver.expect_request("/bun.ics").respond_with_data(ics_feed(),
                                                            content_type="text/calendar")
    set_url(config_dir, "ks", httpserver.url_for("/tyreso-ks/sammantraden"))
    set_url(config_dir, "bun", httpserver.url_for("/bun.ics"))
    config = load_config(config_dir)
    with open_store(database_path(config)) as store:
        assert NOTE in meeting_note(meetings(config, store), NOW, "sv")
        assert refresh_meetings(config, store, now=NOW) == (2, [])
        calendar = meetings(config, store)
        ks, bun = calendar.bodies["ks"], calendar.bodies["bun"]
        assert ks.dates[0] == date(2027, 1, 26) and len(ks.dates) == 6  # example dates gone
        assert not ks.example and ks.origins[date(2027, 6, 8)].endswith("/tyreso-ks/sammantraden")
        assert bun.dates == (date(2027, 1, 13), date(2027, 2, 10), date(2027, 4, 7))
        # the other bodies still rest on example dates, and the note says which
        note = meeting_note(calendar, NOW, "sv", {"san": "Social- och arbetsmarknadsnämnden"})
        assert note.startswith(NOTE + " för ") and "Social- och arbetsmarknadsnämnden" in note
        assert "Kommunstyrelsen" not in note.split("–")[0]


def test_a_failed_or_redesigned_calendar_keeps_the_last_good_dates(config_dir, httpserver):  # noqa: ANN001
    httpserver.expect_ordered_request("/ks").respond_with_data(INSYN, content_type="text/html")
    httpserver.expect_ordered_request("/ks").respond_with_data(
        b"<html><p>Ny design</p></html>", content_type="text/html")
    set_url(config_dir, "ks", httpserver.url_for("/ks"))
    config = load_config(config_dir)
    with open_store(database_path(config)) as store:
        assert refresh_meetings(config, store, now=NOW)[0] == 1
        updated, errors = refresh_meetings(config, store, now=NOW)
        assert updated == 0 and len(errors) == 1
        assert errors[0].startswith(f"meetings.toml committee.ks.url {httpserver.url_for('/ks')}:")
        assert "no meeting dates on the page" in errors[0]
        assert len(meetings(config, store).bodies["ks"].dates) == 6  # kept


def test_server_error_is_reported_by_the_step_and_other_steps_run(config_dir, httpserver):  # noqa: ANN001
    httpserver.expect_request("/ks").respond_with_data("down", status=503)
    set_url(config_dir, "ks", httpserver.url_for("/ks"))
    config = load_config(config_dir)
    names = [name for name, _ in after_poll_steps()]
    assert names.index("meetings") < names.index("mail")  # dates in force before the digests
    with open_store(database_path(config)) as store:
        updated, errors = refresh_meetings(config, store, now=NOW)
    assert updated == 0 and "503" in errors[0] and "committee.ks" in errors[0]


def test_calendar_ending_within_three_months_is_noted(config_dir):  # noqa: ANN001
    edit_file(config_dir / "meetings.toml", ("example_dates = true\n", ""))
    calendar = meetings(load_config(config_dir))
    assert meeting_note(calendar, NOW, "sv") == ""  # the plan runs to December 2027
    late = datetime(2027, 10, 1, tzinfo=timezone.utc)
    assert meeting_note(calendar, late, "sv").startswith("Sammanträdesplanen för KS, BUN")
    assert "slutar 15 november 2027" in meeting_note(calendar, late, "sv")


def test_meetings_command_lists_dates_and_origins(cli, config_dir, httpserver):  # noqa: ANN001
    httpserver.expect_request("/bun.ics").respond_with_data(ics_feed(),
                                                            content_type="text/calendar")
    set_url(config_dir, "bun", httpserver.url_for("/bun.ics"))
    result = cli("meetings", "--refresh", "--committee", "bun", "--format", "json")
    assert result.exit_code == 0, result.output
    import json
    rows = json.loads(result.stdout[result.stdout.index("["):])
    assert [(r["meeting"], r["submission"], r["example"]) for r in rows] == [
        ("2027-01-13", "2026-12-30", False), ("2027-02-10", "2027-01-27", False),
        ("2027-04-07", "2027-03-24", False)]
    assert all(r["origin"] == httpserver.url_for("/bun.ics") for r in rows)
    table = cli("meetings", "--committee", "ks")
    assert "exempeldatum i meetings.toml" in table.output and NOTE in table.output
    english = cli("meetings", "--committee", "ks", lang="en")
    assert "example dates in meetings.toml" in english.output


def test_calls_says_decide_by_rests_on_example_dates(cli, config_dir):  # noqa: ANN001
    from tests.conftest import REPLAY
    assert cli("poll", "--replay", str(REPLAY), "--source", "uhr").exit_code in (0, 3)
    result = cli("calls")
    assert result.exit_code == 0 and NOTE in result.output
    assert result.output.count(NOTE) == 1
    english = cli("calls", lang="en")
    assert "Decide-by rests on example dates" in english.output
