"""Decide-by and applications in progress in the weekly digest and the iCalendar export."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from monitor.decisions.applications import advance_application, start_application
from monitor.decisions.calendar_export import build_calendar, event_uid
from monitor.digests.build import Period, build_digest
from monitor.digests.dispatch import digest_message
from monitor.digests.subscriptions import Subscription
from monitor.mail.message import message_bytes
from monitor.model import Tag
from tests.conftest import NOW, TZ
from tests.mailfixtures import mail_env, parse, seeded  # noqa: F401 - fixtures

COMMITTEES = ("ks", "bun", "gvn", "shn")


def digest(config, store, committee: str, lang: str = "sv"):  # noqa: ANN001, ANN201
    sub = Subscription(committee, "mottagare@tyreso.se", lang=lang)
    period = Period.containing(NOW, sub.frequency, config.settings.tz)
    return build_digest(config, store, sub, period, since=period.start.replace(day=9),
                        until=NOW)


def bodies(config, found) -> tuple[str, str]:  # noqa: ANN001
    message = parse(message_bytes(digest_message(config, found, NOW)))
    return tuple(message.get_body((kind,)).get_content().replace("\r\n", "\n")
                 for kind in ("plain", "html"))


def entries(found) -> dict[str, object]:  # noqa: ANN001
    return {e.item_id.split(":")[1]: e for g in found.groups for s in g.sections
            for e in s.entries}


def test_digest_entries_say_when_ks_must_decide(config, seeded):  # noqa: ANN001, F811
    found = entries(digest(config, seeded, "bun"))
    # B: deadline 1 April 2027 → KS 2027-03-23; bun's last meeting before 03-02 is 02-10
    assert found["B"].decide_by == (
        "Besluta senast: KS 23 mars 2027 (ärendet till KS senast 2 mars 2027); Barn- och "
        "utbildningsnämnden 10 februari 2027 (ärendet in senast 27 januari 2027); för sista "
        "dag 1 april 2027.")
    assert found["A"].decide_by == "För sent för KS-beslut före sista dag 10 december 2026."
    assert found["E"].decide_by == ""  # legislation
    english = entries(digest(config, seeded, "bun", "en"))
    assert english["B"].decide_by.startswith("Decide by: KS 23 March 2027 (matter to KS by ")


def test_digest_lists_applications_in_progress(config, seeded):  # noqa: ANN001, F811
    mine = start_application(seeded, "eu-funding:B", "bun", committees=COMMITTEES, by="anna", now=NOW, tz=TZ)
    approved = start_application(seeded, "eu-funding:D", "bun", committees=COMMITTEES, by="a", now=NOW, tz=TZ)
    advance_application(seeded, approved.id, "ks-approved", by="kansliet", now=NOW, tz=TZ)
    other = start_application(seeded, "eu-funding:C", "shn", committees=COMMITTEES, by="b", now=NOW, tz=TZ)
    done = start_application(seeded, "eu-funding:A", "bun", committees=COMMITTEES, by="a", now=NOW, tz=TZ)
    advance_application(seeded, done.id, "withdrawn", by="a", now=NOW, tz=TZ)
    found = digest(config, seeded, "bun")
    assert [(a.application_id, a.next_step) for a in found.applications] == [
        (approved.id, "skicka ansökan senast 2027-01-15"),
        (mine.id, "KS-beslut senast 2027-03-23 (ärendet till KS senast 2027-03-02)")]
    text, html = bodies(config, found)
    assert "Pågående ansökningar\n--------------------" in text
    assert (f"* #{mine.id} Digitalisering i förskolan (bun, avsikt): KS-beslut senast "
            "2027-03-23") in text
    assert "Pågående ansökningar (2)" in html and "godkänd av KS: skicka ansökan" in html
    text_en, _ = bodies(config, digest(config, seeded, "bun", "en"))
    assert "Applications in progress" in text_en and "send the application by 2027-01-15" \
        in text_en
    overview = digest(config, seeded, "all")
    assert {a.application_id for a in overview.applications} == {mine.id, approved.id,
                                                                  other.id}
    assert digest(config, seeded, "gvn").applications == []


def test_digest_without_applications_has_no_such_section(config, seeded):  # noqa: ANN001, F811
    text, html = bodies(config, digest(config, seeded, "bun"))
    assert "Pågående ansökningar" not in text and "Pågående ansökningar" not in html


def events(data: bytes) -> dict[str, object]:
    return {str(e["SUMMARY"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_calendar_has_the_first_cutoff_of_the_ks_decision(config, seeded):  # noqa: ANN001, F811
    seeded.replace_tags("eu-funding:F", [Tag("committee", "ks", 0.9, ("cesis",), "t")], now=NOW)
    found = events(build_calendar(config, seeded, now=NOW))
    b = found["Ärende till nämnden senast: Digitalisering i förskolan"]
    assert b.decoded("DTSTART") == date(2027, 1, 27)  # bun's cut-off for its 02-10 meeting
    assert str(b["UID"]) == event_uid("eu-funding:B", "decide-by")
    assert "Besluta senast: KS 23 mars 2027" in str(b["DESCRIPTION"])
    f = found["Ärende till KS senast: Cesis vänort kulturutbyte"]  # KS owns it: its own cut-off
    assert f.decoded("DTSTART") == date(2027, 3, 30)
    assert not any("Skolutveckling" in s and "senast" in s for s in found)  # too late for A
    english = events(build_calendar(config, seeded, lang="en", now=NOW))
    assert "Matter to the committee by: Digitalisering i förskolan" in english
    (config.dir / "meetings.toml").unlink()
    from monitor.app import load_config
    without = events(build_calendar(load_config(config.dir), seeded, now=NOW))
    assert not any("senast:" in s and "Sista dag" not in s for s in without)
