"""Mail a committee secretary acts on: plain "Varför", entry facts, the decision timeline,
one day rule, catch-up, closing remisser, example-dates note; checked on the shipped replay
with the shipped tagging rules, and on pure functions at their edges."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from monitor.app import open_store
from monitor.config.settings import database_path
from monitor.decisions.decide_by import decide_by, decision_timeline, timeline_json
from monitor.decisions.meetings import Body, Meetings
from monitor.decisions.timeline_text import late_line, timeline_lines
from monitor.digests.build import Period, build_digest
from monitor.digests.dispatch import digest_message, send_digests
from monitor.digests.entry_facts import summary_opening
from monitor.digests.subscriptions import Subscription
from monitor.mail.message import message_bytes
from monitor.store.rows import ItemQuery, StoredItem
from monitor.text import when
from tests.conftest import NOW, REPLAY
from tests.mailfixtures import mail_env, outbox_messages, parse  # noqa: F401 - fixtures

STHLM = ZoneInfo("Europe/Stockholm")
ENGINE_WORDS = re.compile(r"\bterm\b|→|\(\+|\bcall for\b|\bin (title|summary)\b"
                          r"|\bfallback\b|\blegislation or\b|\bacross borders\b|\bown exchange\b")


# ------------------------------------------------------------------ one day rule
@pytest.mark.parametrize("value,day,shown_time,prose,iso", [
    ("2027-02-18", date(2027, 2, 18), None, "18 februari 2027", "2027-02-18"),  # date only
    (date(2027, 2, 18), date(2027, 2, 18), None, "18 februari 2027", "2027-02-18"),
    # a date the source gave as midnight UTC stays that day (not 01:00 local)
    ("2027-02-18T00:00:00+00:00", date(2027, 2, 18), None, "18 februari 2027", "2027-02-18"),
    # 23:59 local is the end of the day
    ("2027-02-18T22:59:00+00:00", date(2027, 2, 18), None, "18 februari 2027", "2027-02-18"),
    ("2027-02-18T11:00:00+00:00", date(2027, 2, 18), "12:00", "18 februari 2027 kl. 12:00",
     "2027-02-18 12:00"),
    # 23:30 UTC is the next day in Stockholm
    ("2027-02-01T23:30:00+00:00", date(2027, 2, 2), "00:30", "2 februari 2027 kl. 00:30",
     "2027-02-02 00:30"),
])
def test_one_function_decides_the_day_shown(value, day, shown_time, prose, iso):  # noqa: ANN001
    got = when.shown(value, STHLM)
    assert got.day == day
    assert (got.time.strftime("%H:%M") if got.time else None) == shown_time
    assert when.prose(value, STHLM) == prose
    assert when.iso(value, STHLM) == iso


def test_every_channel_uses_the_one_rule():
    from monitor.mail.message import display_day, long_date
    from monitor.text.i18n import format_datetime
    midnight_utc = "2027-03-05T00:00:00+00:00"
    assert format_datetime(midnight_utc, STHLM) == "2027-03-05"  # CLI, report (not 01:00)
    assert long_date(midnight_utc, STHLM, "en") == "5 March 2027"  # mail
    assert display_day(midnight_utc, STHLM) == date(2027, 3, 5)  # calendar, decide-by


def test_iso_dates_in_titles_become_prose():
    assert when.prose_dates_in("Nordplus Junior – ansökan senast 2027-02-01") == \
        "Nordplus Junior – ansökan senast 1 februari 2027"
    assert when.prose_dates_in("deadline 2027-02-01", "en") == "deadline 1 February 2027"
    assert when.prose_dates_in("Dnr 2027-13-45 och 12027-02-01") == "Dnr 2027-13-45 och 12027-02-01"


# ------------------------------------------------------------------ decision timeline
KS = Body("ks", (date(2026, 11, 17), date(2026, 12, 8), date(2027, 1, 26), date(2027, 2, 23),
                 date(2027, 3, 23)), submission_days=21)
BUN = Body("bun", (date(2026, 11, 25), date(2027, 1, 13), date(2027, 2, 10)), submission_days=14)
PLAN = Meetings(bodies={"ks": KS, "bun": BUN}, application_days=7)
NAMES = {"ks": "Kommunstyrelsen", "bun": "BUN"}


def local(y: int, m: int, d: int, hour: int = 12) -> datetime:
    return datetime(y, m, d, hour, tzinfo=STHLM)


def test_timeline_dated_steps_in_order():
    plan = decide_by([local(2027, 3, 5)], "bun", PLAN, NOW)
    line = decision_timeline(plan, PLAN, NOW)
    assert [s.kind for s in line.steps] == ["committee_handin", "committee_meeting",
                                            "ks_handin", "ks_meeting", "deadline"]
    assert timeline_lines(line, "sv", NAMES, STHLM) == [
        "30 december 2026: ärendet till BUN senast",
        "13 januari 2027: BUN sammanträder och beslutar",
        "2 februari 2027: ärendet till Kommunstyrelsen senast",
        "23 februari 2027: Kommunstyrelsen sammanträder och godkänner",
        "5 mars 2027 kl. 12:00: ansökan ska vara inne"]
    assert late_line(line, "sv", NAMES, STHLM) == ""
    assert timeline_json(line)["steps"][0] == {"day": "2026-12-30", "kind": "committee_handin",
                                               "body": "bun", "when": None, "missed": False}


def test_too_late_says_by_how_much_and_what_can_still_be_done():
    plan = decide_by([local(2027, 2, 1)], "bun", PLAN, NOW)  # KS 8 Dec, in by 17 Nov
    later_round = local(2027, 10, 1)
    line = decision_timeline(plan, PLAN, NOW, later_rounds=[later_round])
    assert line.too_late and line.late_by == 5 and line.next_round == later_round
    assert late_line(line, "sv", NAMES, STHLM) == (
        "För sent för ordinarie beslut i Kommunstyrelsen före sista dag 1 februari 2027: "
        "ärendet skulle ha varit inne 17 november 2026, 5 dagar sedan. Det som återstår: "
        "ordförandebeslut (brådskande ärende), extra sammanträde eller nästa omgång, "
        "sista dag 1 oktober 2027.")
    assert "5 days ago" in late_line(line, "en", NAMES, STHLM)


def test_committee_missed_and_skipped_deadline():
    plan = decide_by([local(2027, 2, 4)], "bun", PLAN, NOW)  # KS 26 Jan; BUN 25 Nov passed
    line = decision_timeline(plan, PLAN, NOW)
    assert line.committee_missed and line.late_by == 11  # BUN's cut-off was 11 November
    assert late_line(line, "sv", NAMES, STHLM).startswith(
        "BUN hinner inte på ordinarie sammanträde: ärendet skulle ha varit inne 11 november 2026")
    skipped = decision_timeline(decide_by([local(2027, 2, 1), local(2027, 3, 5)], None, PLAN,
                                          NOW), PLAN, NOW)
    assert skipped.missed_deadline == local(2027, 2, 1) and skipped.next_round == local(2027, 3, 5)
    assert late_line(skipped, "sv", NAMES, STHLM).startswith(
        "För sent för sista dag 1 februari 2027 (5 dagar för sent till Kommunstyrelsen).")


# ------------------------------------------------------------------ the shipped replay
@pytest.fixture
def replayed(cli, config, mail_env):  # noqa: ANN001, ANN201, F811
    """The shipped replay polled and tagged with the shipped rules; yields the store."""
    result = cli("poll", "--replay", str(REPLAY))
    assert result.exit_code == 0, result.output
    with open_store(database_path(config)) as store:
        yield store


def _text(config, store, committee: str, lang: str = "sv", catch_up: bool = False) -> str:  # noqa: ANN001
    sub = Subscription(committee, "mottagare@tyreso.se", lang=lang)
    period = Period.containing(NOW, "weekly", config.settings.tz)
    digest = build_digest(config, store, sub, period, since=NOW - timedelta(days=7), until=NOW,
                          catch_up=catch_up)
    return parse(message_bytes(digest_message(config, digest, NOW))).get_body(
        ("plain",)).get_content()


def _entries(text: str) -> list[str]:
    return [block for block in re.split(r"\n(?=\* )", text) if block.startswith("* ")]


def test_replay_mail_speaks_plainly_and_carries_each_summary(config, replayed):  # noqa: ANN001
    summaries = {row.title: summary_opening(row)
                 for row in replayed.query_items(ItemQuery(kind="call"), now=NOW)}
    checked = 0
    for committee in ("ks", "bun", "gvn", "san", "aon", "kfn", "shn", "bn", "all"):
        for lang in ("sv", "en"):
            text = _text(config, replayed, committee, lang)
            label = "Varför:" if lang == "sv" else "Why:"
            why = [line for line in text.splitlines() if line.strip().startswith(label)]
            bad = [line for line in why if ENGINE_WORDS.search(line)]
            assert not bad, (committee, lang, bad)
            if lang == "en":
                assert "Varför" not in text and "Sista dag" not in text
            for block in _entries(text):
                title = when.prose_dates_in(block.splitlines()[0][2:], lang)
                original = next((t for t in summaries if when.prose_dates_in(t, lang) == title),
                                None)
                if original and summaries[original]:
                    assert summaries[original][:40] in block, (committee, title)
                    checked += 1
    assert checked > 20


def test_replay_consultation_closing_within_30_days_is_under_closing_soon(config, replayed):  # noqa: ANN001
    text = _text(config, replayed, "bun")
    closing = text.split("Stänger inom 30 dagar")[1].split("\n\n\n")[0]
    assert "Schools – digital education action plan, call for evidence" in closing
    assert "Sista dag att svara: 8 december 2026" in closing


def test_replay_overview_lists_each_call_once_and_erasmus_deadlines(config, replayed):  # noqa: ANN001
    text = _text(config, replayed, "all")
    titles = [block.splitlines()[0] for block in _entries(text)]
    assert len(titles) == len(set(titles)) and len(titles) > 10
    lines = text.splitlines()
    headings = [lines[i - 1] for i, line in enumerate(lines)
                if i and re.fullmatch(r"-+", line) and len(line) == len(lines[i - 1])]
    assert len(headings) == len(set(headings)) >= 3  # no heading twice
    erasmus = next(b for b in _entries(text) if b.startswith("* Erasmus+ skolutbildning"))
    assert "Sista dag för mobilitetsprojekt: 18 februari 2027 kl. 12:00" in erasmus
    assert "Sista dag för samarbetspartnerskap: 5 mars 2027 kl. 12:00" in erasmus
    assert "Nämnder: Barn- och utbildningsnämnden" in erasmus
    assert "* Nordplus Junior – ansökan senast 1 februari 2027" in text  # prose, not ISO


def test_replay_example_dates_note_in_digest_and_calls(config, replayed, cli):  # noqa: ANN001
    note = "Besluta senast bygger på exempeldatum – lägg in sammanträdesplanen"
    assert note in _text(config, replayed, "bun")
    assert "Decide-by rests on example dates" in _text(config, replayed, "bun", "en")


def test_first_digest_is_a_catch_up(config, replayed, mail_env):  # noqa: ANN001, F811
    outcomes = send_digests(config, replayed, now=NOW, committee="bun")
    assert [o.state for o in outcomes] == ["sent"]
    text = next(iter(outbox_messages(mail_env).values())).get_body(("plain",)).get_content()
    # published or opened within 14 days: in full; the rest as one count line
    assert "Schools – digital education action plan" in text  # opened 10 November
    assert "* Erasmus+ skolutbildning" not in text  # no publication or opening date
    counted = re.search(r"(\d+) tidigare publicerade poster finns också", text)
    assert counted and int(counted.group(1)) >= 5
    from monitor.digests.dispatch import _window
    monday = NOW + timedelta(days=1, hours=1)  # next week's digest is not a catch-up
    week = Period.containing(monday, "weekly", config.settings.tz)
    sub = Subscription("bun", "barn.utbildning@tyreso.se")
    assert _window(replayed, sub, week, monday)[2] is False
    assert _window(replayed, sub, Period.containing(NOW, "weekly", config.settings.tz),
                   NOW)[2] is True  # the recorded first digest stays one


def test_show_keeps_the_full_evidence_and_scores_with_verbose(cli, replayed):  # noqa: ANN001
    plain = cli("show", "uhr:erasmusplus-skolutbildning")
    assert plain.exit_code == 0, plain.output
    text = " ".join(plain.output.split())  # the console wraps long lines
    assert 'term "förskola" in summary as "förskolor"' in text  # the evidence is there
    assert "(+3)" not in text and not re.search(r"committee:bun \(\d", text)
    assert "Beslutsgång 11 november 2026: ärendet till Barn- och utbildningsnämnden senast" \
        in text and "18 februari 2027 kl. 12:00: ansökan ska vara inne" in text
    verbose = " ".join(cli("show", "uhr:erasmusplus-skolutbildning", "--verbose").output.split())
    assert '"förskolor" (+3)' in verbose and re.search(r"committee:bun \(\d", verbose)


def test_digest_lists_the_decisions_of_the_coming_weeks(config, mail_env):  # noqa: ANN001, F811
    from tests.mailfixtures import seed
    with open_store(database_path(config)) as store:
        seed(store)
        monday = datetime(2027, 1, 4, 7, 0, tzinfo=timezone.utc)
        sub = Subscription("bun", "a@tyreso.se")
        digest = build_digest(config, store, sub, Period.containing(monday, "weekly", STHLM),
                              since=monday - timedelta(days=7), until=monday)
        english = build_digest(config, store, Subscription("bun", "a@tyreso.se", lang="en"),
                               Period.containing(monday, "weekly", STHLM),
                               since=monday - timedelta(days=7), until=monday)
    # B (1 April): BUN's hand-in day 27 January is within four weeks, KS's (2 March) is not
    assert digest.decisions == ["27 januari 2027: ärendet till Barn- och utbildningsnämnden "
                                "senast – Digitalisering i förskolan (sista dag 1 april 2027)"]
    assert english.decisions == [
        "27 January 2027: last day for the matter to reach the Committee for Children and "
        "Education – Digitalisering i förskolan (deadline 1 April 2027)"]
    text = parse(message_bytes(digest_message(config, digest, monday))).get_body(
        ("plain",)).get_content().replace("\r\n", "\n")
    assert "Att besluta de närmaste veckorna\n--------------------------------\n* 27 januari" \
        in text


def test_entry_shows_amount_who_and_region_lines(config, mail_env):  # noqa: ANN001, F811
    from monitor.model import Item, Tag
    with open_store(database_path(config)) as store:
        store.upsert_items([Item(
            source="esf", native_id="x", kind="call", title="Kompetens i offentlig sektor",
            url="https://www.esf.se/x", summary="Stöd för kompetensutveckling. Mer text.",
            programme="ESF+", deadlines=[datetime(2027, 2, 4, 15, tzinfo=timezone.utc)],
            opens=datetime(2026, 11, 2, tzinfo=timezone.utc),
            extra={"budget_sek": 40000000, "eligibility": ["kommuner", "regioner"],
                   "regions": ["Stockholm"]})], now=NOW - timedelta(hours=1))
        store.replace_tags("esf:x", [Tag("committee", "ks", 0.8,
                                         ('term "kompetens" in title (+3)',), "t")], now=NOW)
        text = _text(config, store, "ks")
    entry = next(b for b in _entries(text) if b.startswith("* Kompetens i offentlig sektor"))
    for line in ("Stöd för kompetensutveckling. Mer text.", "Belopp: 40 000 000 kr",
                 "Vem kan söka: kommuner, regioner", "Region: Stockholm",
                 "Sista dag: 4 februari 2027 kl. 16:00", "Varför: Matchade: kompetens"):
        assert line in entry, line


def test_replay_reminders_name_the_ks_hand_in_day_once_a_day_per_address(config, replayed,  # noqa: ANN001
                                                                         mail_env):  # noqa: F811
    from monitor.digests.reminders import send_reminders

    # Erasmus+ skolutbildning (bun, 18 February 2027): KS meets 26 January, hand-in 5 January
    day = datetime(2026, 12, 22, 6, 0, tzinfo=timezone.utc)  # 14 days before 5 January
    sent = [o for o in send_reminders(config, replayed, now=day) if o.state == "sent"]
    bun = [o for o in sent if o.email == "barn.utbildning@tyreso.se"]
    assert len(bun) == 1
    text = outbox_messages(mail_env)
    body = next(m for m in text.values() if m["To"] == "barn.utbildning@tyreso.se").get_body(
        ("plain",)).get_content()
    assert ("* 5 januari 2027: ärendet till Kommunstyrelsen senast – Erasmus+ skolutbildning "
            "(sista dag 18 februari 2027)") in body
    # runs through the following weeks, twice a day: never two reminder mails a day
    for offset in range(1, 30, 2):
        for hours in (0, 9):
            send_reminders(config, replayed, now=day + timedelta(days=offset, hours=hours))
    per_day = replayed.conn.execute(
        "SELECT recipients, period, count(*) FROM deliveries WHERE kind = 'reminder'"
        " GROUP BY recipients, period").fetchall()
    assert per_day and all(n == 1 for _, _, n in per_day)
    assert len({r for r, _, _ in per_day}) >= 3  # several addresses got reminders


def test_next_round_is_another_round_of_the_same_call_and_follows_new_items(store):  # noqa: ANN001
    from monitor.digests.decision_steps import next_round_after
    from monitor.model import Item

    def call(native: str, title: str, deadline: datetime, programme: str = "Nordplus Junior"):  # noqa: ANN202
        return Item(source="nordplus", native_id=native, kind="call", title=title,
                    url=f"https://x.example/{native}", programme=programme,
                    opens=datetime(2026, 10, 1, tzinfo=timezone.utc), deadlines=[deadline])
    feb = datetime(2027, 2, 1, 22, 59, tzinfo=timezone.utc)
    store.upsert_items([call("a", "Nordplus Junior – ansökan senast 2027-02-01", feb),
                        call("b", "Nordplus Adult – ansökan senast 2027-03-01",
                             datetime(2027, 3, 1, tzinfo=timezone.utc))], now=NOW)
    row = store.get_item("nordplus:a")
    assert next_round_after(store, row, NOW) == []  # another call is not a round of this one
    october = datetime(2027, 10, 1, 21, 59, tzinfo=timezone.utc)
    store.upsert_items([call("c", "Nordplus Junior – ansökan senast 2027-10-01", october)],
                       now=NOW)
    assert next_round_after(store, row, NOW) == [october]  # seen although remembered before
    other = call("d", "Nordplus Junior – ansökan senast 2027-11-01",
                 datetime(2027, 11, 1, tzinfo=timezone.utc), programme="Erasmus+")
    store.upsert_items([other], now=NOW)
    assert next_round_after(store, row, NOW) == [october]  # same programme and source only


def test_footer_names_the_coordinator_from_settings(config_dir, mail_env):  # noqa: ANN001, F811
    from monitor.app import load_config
    from tests.hermetic import edit_file
    from tests.mailfixtures import seed
    edit_file(config_dir / "settings.toml",
              ('coordinator = "internationell samordnare"', 'coordinator = "Anna Svensson"'),
              ('admin = "kommunstyrelseforvaltningen@tyreso.se"',
               'admin = "anna.svensson@tyreso.se"'))
    config = load_config(config_dir)
    with open_store(database_path(config)) as store:
        seed(store)
        sv = _text(config, store, "bun")
        en = _text(config, store, "bun", "en")
    footer = sv.replace("\r\n", "\n").split("\n-- \n")[1]
    assert "Du får det här mejlet för att mottagare@tyreso.se bevakar Barn- och " \
           "utbildningsnämnden." in footer
    assert "Frågor om bevakningen: Anna Svensson, anna.svensson@tyreso.se." in footer
    assert "sluta få mejlet? Hör av dig till anna.svensson@tyreso.se" in footer
    assert "`monitor unsubscribe bun --email mottagare@tyreso.se`" in footer
    assert "Questions about the monitoring: Anna Svensson, anna.svensson@tyreso.se." in en


def test_decision_horizon_never_hides_a_hand_in_day(config):  # noqa: ANN001
    """The digest reads only calls closing within the horizon: on the shipped plan, for a
    year of weeks and deadlines every other day, that finds every hand-in day of 28 days."""
    from monitor.decisions.meetings import meetings
    from monitor.digests.decision_steps import CALLS_AHEAD_DAYS, decision_horizon, due_steps
    from monitor.model import to_iso
    plan = meetings(config)
    start = datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)
    rows = [StoredItem(id=f"{committee}{day}", kind="call", status="open", title="x",
                       committees=(committee,), deadline=to_iso(start + timedelta(days=day)),
                       deadlines=(to_iso(start + timedelta(days=day)),))
            for committee in ("bun", "ks", "san") for day in range(1, 400, 2)]
    checked = 0
    for week in range(0, 52, 3):
        now = start + timedelta(weeks=week)
        horizon = decision_horizon(plan, now, 28)
        assert 0 < horizon <= CALLS_AHEAD_DAYS
        near = [r for r in rows if now < datetime.fromisoformat(r.deadline)
                <= now + timedelta(days=horizon)]
        ahead = [r for r in rows if datetime.fromisoformat(r.deadline) > now]
        for owner in (None, "bun"):
            full = due_steps(ahead, plan, now, within_days=28, committee=owner)
            assert due_steps(near, plan, now, within_days=28, committee=owner) == full
            checked += len(full)
    assert checked > 100
