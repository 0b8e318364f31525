"""The paperwork's parts on their own: country names, partners paired with countries, the
coordinator as default --by, the KS draft in English and its refusals, the activities
register's checks, earlier decisions, the overview's unreported visits, the document writers
and the register's schema upgrade."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

import docx
import pytest

from monitor.app import open_store
from monitor.decisions.activities import add_activity, unreported_visits
from monitor.decisions.applications import ApplicationError, advance_application, pair_partners
from monitor.decisions.earlier import earlier_decisions, earlier_lines
from monitor.paperwork.document import (Bullets, Heading, Para, Table, to_docx, to_html,
                                        to_markdown, to_xlsx)
from monitor.text.countries import country_name
from tests.conftest import NOW, TZ
from tests.decisions_scenario import COMMITTEES, add_calls, build
from tests.hermetic import edit_file

UTC = timezone.utc


@pytest.fixture
def db(config_dir):
    return config_dir.parent / "monitor.db"


@pytest.fixture
def with_calls(db):
    with open_store(db) as store:
        add_calls(store)


def test_country_names_in_swedish_and_english():
    assert [country_name(c) for c in ("LV", "FR", "ZA", "IN", "GB", "RU", "MD")] == [
        "Lettland", "Frankrike", "Sydafrika", "Indien", "Storbritannien", "Ryssland",
        "Moldavien"]
    assert country_name("LV", "en") == "Latvia" and country_name("MD", "en") == "Moldova"
    assert country_name("XX") == "XX"  # not a country: shown as given, never guessed


def test_partners_pair_with_countries_one_for_one():
    assert pair_partners(["Cēsis", "Savigny-le-Temple"], ["lv", "FR"]) == [
        ("Cēsis", "LV"), ("Savigny-le-Temple", "FR")]
    assert pair_partners([], ["FI", "EE"]) == [("", "FI"), ("", "EE")]
    assert pair_partners(["Tyresö IK"], []) == [("Tyresö IK", None)]
    with pytest.raises(ApplicationError) as refused:
        pair_partners(["A", "B"], ["LV"])
    assert "ange ett land per partner" in refused.value.message("sv")
    assert "one country per partner" in refused.value.message("en")


def test_apply_refuses_unpaired_partners_and_stores_nothing(cli, with_calls):
    result = cli("apply", "junior-2027", "--committee", "bun", "--partner", "A", "--partner",
                 "B", "--country", "LV")
    assert result.exit_code == 2 and "2 --partner men 1 --country" in result.output
    assert json.loads(cli("applications", "--format", "json").stdout) == []


def test_by_defaults_to_the_coordinator_from_settings(cli, config_dir, with_calls):
    assert cli("apply", "junior-2027", "--committee", "bun").exit_code == 0
    edit_file(config_dir / "settings.toml", ('coordinator = "internationell samordnare"',
                                             'coordinator = "Karin Samordnare"'))
    assert cli("application", "1", "--status", "ks-approved").exit_code == 0
    history = json.loads(cli("application", "1", "--format", "json").stdout)["history"]
    assert [e["by"] for e in history] == ["internationell samordnare", "Karin Samordnare"]


def test_ks_draft_in_english_with_placeholders(cli, with_calls, tmp_path):
    assert cli("apply", "esf:2027-kompetens", "--committee", "aon", "--cofinancing",
               "150 000").exit_code == 0
    en = cli("application", "1", "--ks-underlag", lang="en")
    assert en.exit_code == 0, en.output
    text = en.stdout
    assert text.startswith("# Approval of Committee for Elderly Care") or \
        text.startswith("# Approval of ")
    for fact in ("## Proposed decision", "SEK 150,000", "[amount]", "[project period]",
                 "[partners and country]", "10 March 2027", "The Municipal Executive Board "
                 "meets on 23 February 2027 (matter to KS by 2 February 2027)"):
        assert fact in text, fact
    sv = cli("application", "1", "--ks-underlag").stdout
    assert "150\u00a0000\u00a0kr" in sv and "[sökt belopp]" in sv and "[projektperiod]" in sv
    assert "Kommunstyrelsen sammanträder 23 februari 2027" in sv
    refused = cli("application", "1", "--ks-underlag", "--format", "docx")
    assert refused.exit_code == 2 and "-o" in refused.output
    assert cli("application", "1", "--ks-underlag", "--format", "pdf").exit_code == 2


def test_activities_refuse_bad_values(cli):
    assert cli("activity", "add", "--committee", "kfn", "--kind", "resa",
               "--title", "x").exit_code == 2
    bad_period = cli("activity", "add", "--committee", "kfn", "--kind", "visit", "--title",
                     "x", "--from", "2016-13")
    assert bad_period.exit_code == 2 and "YYYY-MM" in bad_period.output
    backwards = cli("activity", "add", "--committee", "kfn", "--kind", "visit", "--title",
                    "x", "--from", "2016-09", "--to", "2016-08")
    assert backwards.exit_code == 2 and "ligger före" in backwards.output
    assert cli("activity", "add", "--committee", "nope", "--kind", "visit", "--title",
               "x").exit_code == 2
    assert cli("activity", "add", "--committee", "kfn", "--kind", "visit", "--title", "Körresa",
               "--from", "2026-05").exit_code == 0
    future = cli("activity", "1", "--reported-to-ks", "2026-12-24")
    assert future.exit_code == 2 and "efter i dag" in future.output
    assert cli("activity", "9").exit_code == 2
    assert json.loads(cli("activities", "--format", "json").stdout)[0]["reported_to_ks"] is None


def test_earlier_decisions_granted_and_closed(store):
    build(store)
    rows = {r.id: r for r in store.query_items(now=datetime(2026, 11, 22, tzinfo=UTC))}
    # application 1 (Erasmus+ KA220 2026, granted) speaks for the other Erasmus+ calls
    small = rows["eu-funding:ERASMUS-2026-KA210-SCH"]
    tz = __import__("zoneinfo").ZoneInfo("Europe/Stockholm")
    found = earlier_decisions(store, small, tz)
    assert [(e.application_id, e.status, e.year) for e in found] == [(1, "granted", 2026)]
    assert earlier_lines(found, small, "sv", tz, datetime(2026, 11, 22, tzinfo=UTC)) == [
        "Tidigare ansökan (2026) beviljades: Beviljat av UHR."]  # closed: no next round
    assert earlier_decisions(store, rows["eu-funding:ERASMUS-2026-KA220-SCH"], tz) == []
    assert earlier_decisions(store, rows["nordplus:junior-2027"], tz) == []  # no decision


def test_overview_lists_unreported_visits_until_reported(config, db):
    from monitor.digests.build import Period, build_digest
    from monitor.digests.subscriptions import Subscription

    with open_store(db) as store:
        visit = add_activity(store, committee="kfn", committees=COMMITTEES, kind="visit",
                             title="Körbesök i Cesis", by="a", period_from="2026-08",
                             now=NOW)
        add_activity(store, committee="aon", committees=COMMITTEES, kind="project",
                     title="DIGIT", by="a", now=NOW)
        now = datetime(2026, 11, 22, 8, tzinfo=UTC)
        period = Period.containing(now, "weekly", config.settings.tz)
        overview = Subscription(committee="all", email="samordnare@example.org")
        digest = build_digest(config, store, overview, period, since=now, until=now)
        assert len(digest.unreported) == 1 and "Körbesök i Cesis" in digest.unreported[0]
        assert "--reported-to-ks" in digest.unreported[0]
        own = build_digest(config, store, Subscription(committee="kfn", email="k@example.org"),
                           period, since=now, until=now)
        assert own.unreported == []
        from monitor.decisions.activities import mark_reported
        mark_reported(store, visit.id, datetime(2026, 9, 1).date())
        assert unreported_visits(store) == []


def test_document_writers_escape_and_open():
    blocks = [Heading("<Rubrik>", 1), Para("a & b", label="Fet:"), Bullets(["x|y"]),
              Table(["A", "B"], [["1", "<i>2</i>"]], numeric=(0,))]
    html = to_html(blocks, "T")
    assert "<i>2</i>" not in html and "&lt;i&gt;2&lt;/i&gt;" in html and "&amp;" in html
    md = to_markdown(blocks)
    assert "**Fet:** a & b" in md and "- x|y" in md and "| 1 | <i>2</i> |" in md
    import io
    document = docx.Document(io.BytesIO(to_docx(blocks)))
    assert document.paragraphs[0].text == "<Rubrik>" and document.tables[0].cell(1, 1).text \
        == "<i>2</i>"


def test_an_older_database_gets_the_partner_country_column(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE application_partners (application_id INTEGER NOT NULL, "
                 "kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (application_id, kind, "
                 "value))")
    conn.execute("INSERT INTO application_partners VALUES (1, 'partner', 'Cēsis')")
    conn.commit()
    conn.close()
    with open_store(path) as store:
        columns = {r[1] for r in store.db.execute("PRAGMA table_info(application_partners)")}
        assert "country" in columns
        assert store.db.execute("SELECT value, country FROM application_partners").fetchall() \
            == [("Cēsis", None)]


def test_decision_reason_is_kept(store):
    build(store)
    app = advance_application(store, 3, "rejected", by="a", reason="För få partner", now=NOW, tz=TZ)
    assert app.decision is not None and app.decision.reason == "För få partner"


def test_apply_warns_in_both_languages_and_still_records(cli, with_calls):
    # Nordplus Junior 2027 closes 1 February 2027; the last KS meeting that fits is
    # 8 December 2026, whose hand-in day (17 November) passed before 22 November
    sv = cli("apply", "junior-2027", "--committee", "bun")
    assert sv.exit_code == 0
    assert ("Varning: KS hinner inte besluta före sista dag 1 februari 2027: sista "
            "KS-sammanträde som hade räckt var 8 december 2026.") in sv.stderr
    assert "ordförandebeslut" in sv.stderr and "Ansökan 1 registrerad" in sv.stdout
    en = cli("apply", "junior-2027", "--committee", "kfn", lang="en")
    assert "Warning: KS cannot decide before the deadline 1 February 2027" in en.stderr
    in_time = cli("apply", "esf:2027-kompetens", "--committee", "aon")
    assert in_time.exit_code == 0 and "Varning" not in in_time.stderr


def test_report_workbook_writes_source_text_as_text_never_a_formula():
    """A funder's title beginning with "=" must not become a formula in the report's sheet."""
    import io
    import zipfile

    hostile = '=HYPERLINK("https://evil.example","klicka")'
    data = to_xlsx([Table(header=["Titel", "Belopp"], rows=[[hostile, 450000]], title="Ans"),
                    Table(header=["Titel"], rows=[["x"]], title="Ans")])
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheets = sorted(n for n in book.namelist() if n.startswith("xl/worksheets/sheet"))
        first = book.read(sheets[0]).decode("utf-8")
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
        workbook = book.read("xl/workbook.xml").decode("utf-8")
    assert len(sheets) == 2 and workbook.count("<sheet ") == 2  # same title: names made unique
    assert "<f>" not in first and "HYPERLINK" in strings
    assert "<v>450000</v>" in first  # numbers stay numbers
