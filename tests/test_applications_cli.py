"""The CLI from an interesting call to a decision: apply, application, applications, report,
and the decide-by column of ``monitor calls``, in Swedish and English."""

from __future__ import annotations

import csv
import io
import json

import pytest

from monitor.app import open_store
from tests.conftest import REPLAY
from tests.decisions_scenario import add_calls, build


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """Tables as on a wide terminal, so that cells are not folded mid-word."""
    from monitor.cli import common
    monkeypatch.setattr(common.console, "_width", 250)


@pytest.fixture
def db(config_dir):
    return config_dir.parent / "monitor.db"  # where the config_dir fixture puts the database


@pytest.fixture
def with_calls(db):
    with open_store(db) as store:
        add_calls(store)


@pytest.fixture
def scenario(db):
    with open_store(db) as store:
        build(store)


def test_whole_path_intent_to_granted(cli, with_calls):
    result = cli("apply", "junior-2027", "--committee", "bun", "--note", "Läsprojekt",
                 "--by", "anna", "--partner", "Cēsis", "--country", "LV")
    assert result.exit_code == 0, result.output
    assert "Ansökan 1 registrerad: avsikt, bun, Nordplus Junior 2027." in result.output
    # the shipped example calendar: deadline 2027-02-01 → KS 2027-01-26 is one day too late
    assert "Nästa steg: för sent för KS-beslut före sista dag 2027-02-01." in result.output
    result = cli("application", "1", "--status", "ks-approved", "--by", "kansliet",
                 "--note", "KS § 4")
    assert result.exit_code == 0, result.output
    assert "Ansökan 1: avsikt → godkänd av KS (kansliet, 2026-11-22)." in result.output
    assert "Nästa steg: skicka ansökan senast 2027-02-01." in result.output
    assert cli("application", "1", "--status", "submitted", "--amount", "240 000",
               "--by", "anna").exit_code == 0
    result = cli("application", "1", "--status", "granted", "--amount", "230000",
                 "--partner", "Savigny-le-Temple", "--country", "FR", lang="en")
    assert result.exit_code == 0
    assert "Application 1: submitted → granted" in result.output
    data = json.loads(cli("application", "1", "--format", "json").stdout)
    assert data["status"] == "granted" and data["item"] == "nordplus:junior-2027"
    assert [h["status"] for h in data["history"]] == ["intent", "ks-approved", "submitted",
                                                      "granted"]
    assert data["history"][1] == {"status": "ks-approved", "at": "2026-11-22T08:00:00+00:00",
                                  "by": "kansliet", "note": "KS § 4", "amount": None,
                                  "forced": False, "reason": ""}
    assert (data["amount_applied"], data["amount_granted"]) == (240000, 230000)
    assert data["partners"] == ["Cēsis", "Savigny-le-Temple"] and data["countries"] == ["LV",
                                                                                         "FR"]
    shown = cli("application", "1").output
    assert "Historik" in shown and "beviljad (" in shown and "240\u00a0000\u00a0kr" in shown


def test_submitting_without_ks_approval_is_refused_in_sv_and_en(cli, with_calls, db):
    cli("apply", "nordplus:junior-2027", "--committee", "bun")
    result = cli("application", "1", "--status", "submitted")
    assert result.exit_code == 2
    assert ("enligt kommunens internationella policy måste nämnden ha kommunstyrelsens "
            "godkännande innan den ansöker") in result.output
    result = cli("application", "1", "--status", "submitted", lang="en")
    assert result.exit_code == 2
    assert "the committee must have the municipal board's (KS) approval before it applies" \
        in result.output
    assert "Record --status ks-approved first" in result.output
    with open_store(db) as store:  # nothing was written
        assert store.db.execute("SELECT count(*) FROM application_events").fetchone()[0] == 1


def test_force_with_reason_is_allowed_and_shown(cli, with_calls):
    cli("apply", "nordplus:junior-2027", "--committee", "bun")
    result = cli("application", "1", "--status", "submitted", "--force")
    assert result.exit_code == 2 and "--force kräver --reason" in result.output
    result = cli("application", "1", "--status", "submitted", "--force", "--reason",
                 "Ordförandebeslut", lang="en")
    assert result.exit_code == 0
    assert "Forced step, reason: Ordförandebeslut" in result.output


def test_unknown_item_and_committee_list_the_choices(cli, with_calls):
    result = cli("apply", "junior-2072", "--committee", "bun")
    assert result.exit_code == 2
    assert "Ingen utlysning med id 'junior-2072'." in result.output
    assert "nordplus:junior-2027" in result.output
    result = cli("apply", "junior-2027", "--committee", "fritid", lang="en")
    assert result.exit_code == 2
    assert "Error: --committee 'fritid': unknown value. Valid: ks, bun, gvn, san, aon, kfn, " \
        "shn, bn." in result.output
    result = cli("applications", "--committee", "fritid")
    assert result.exit_code == 2 and "Giltiga: ks, bun" in result.output
    result = cli("application", "7")
    assert result.exit_code == 2 and "Ingen ansökan med id '7'. Befintliga: (inga)." \
        in result.output
    result = cli("application", "x", lang="en")
    assert "No application with id 'x'. Existing: (none)." in result.output


def test_details_without_a_status_are_added_to_the_current_step(cli, with_calls):
    cli("apply", "junior-2027", "--committee", "bun")
    result = cli("application", "1", "--partner", "Tyresö IK", "--note", "Ny partner")
    assert result.exit_code == 0 and "Tyresö IK" in result.output
    data = json.loads(cli("application", "1", "--format", "json").stdout)
    assert data["status"] == "intent" and data["partners"] == ["Tyresö IK"]
    assert [h["note"] for h in data["history"]] == ["", "Ny partner"]
    assert cli("application", "1", "--status", "intent").exit_code == 2


def test_bad_amount_date_and_status(cli, with_calls):
    assert "hela kronor" in cli("apply", "junior-2027", "--committee", "bun",
                                "--amount", "4,5").output
    assert cli("apply", "junior-2027", "--committee", "bun", "--date", "2026-13-01"
               ).exit_code == 2
    cli("apply", "junior-2027", "--committee", "bun")
    result = cli("application", "1", "--status", "approved", lang="en")
    assert result.exit_code == 2 and "Error: --status 'approved': unknown value." in result.output
    assert "ks-approved" in result.output


def test_applications_list_filters_and_formats(cli, scenario):
    rows = json.loads(cli("applications", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [1, 2, 3, 4]
    for key in ("id", "item", "committee", "status", "history", "next_step"):
        assert key in rows[0]
    assert rows[2]["next_step"] == "inskickad 2026-11-02, inväntar beslut"
    assert rows[0]["history"][0]["by"] == "karin.s"
    ids = lambda *a: [r["id"] for r in json.loads(cli("applications", *a, "--format",  # noqa
                                                      "json").stdout)]
    assert ids("--committee", "bun") == [1, 3]
    assert ids("--status", "granted", "--status", "rejected") == [1, 2]
    assert ids("--year", "2026") == [1, 2, 3, 4] and ids("--year", "2027") == []
    table = list(csv.DictReader(io.StringIO(cli("applications", "--format", "csv").stdout)))
    assert table[0]["partners"] == "Cēsis;Savigny-le-Temple" and table[0]["status"] == "granted"
    text = cli("applications", "--committee", "kfn").output
    assert "återkallad" in text and "Nämnd" in text
    assert "withdrawn" in cli("applications", "--committee", "kfn", lang="en").output
    assert "Inga ansökningar matchar." in cli("applications", "--committee", "gvn").output


def test_report_formats_and_languages(cli, scenario, tmp_path):
    md = cli("report", "--year", "2026")
    assert md.exit_code == 0, md.output
    assert md.output.startswith("# Rapport internationellt samarbete 2026")
    assert "| Summa | 4 | 1 | 990\u00a0000\u00a0kr |" in md.output
    en = cli("report", "--year", "2026", "--committee", "bun", lang="en").output
    assert "### Committee for Children and Education" in en and "Kommunstyrelsen" not in en
    assert "SEK 420,000" in en and "Calls shown but not pursued (3)" in en
    out = tmp_path / "r.html"
    result = cli("report", "--year", "2026", "--format", "html", "-o", str(out))
    assert result.exit_code == 0 and "Rapporten skrevs till" in result.output
    assert out.read_text().startswith("<!DOCTYPE html>")
    rows = list(csv.DictReader(io.StringIO(cli("report", "--year", "2026", "--format",
                                               "csv").stdout)))
    assert [r["id"] for r in rows] == ["2", "1", "3", "4"]  # committees in file order
    assert cli("report", "--format", "pdf").exit_code == 2
    assert "Giltiga" in cli("report", "--committee", "nope").output
    empty = cli("report", "--year", "2024").output
    assert "Inga ansökningar eller utlysningar under 2024." in empty


def test_calls_show_decide_by_in_table_and_json(cli):
    assert cli("poll", "--replay", str(REPLAY)).exit_code == 0
    rows = {r["id"]: r for r in json.loads(cli("calls", "--all", "--format", "json").stdout)}
    scholarship = rows["eu-funding:cascade-11265"]["decide_by"]  # listed with --all only
    # next deadline 14 February 2027 (the portal's day): KS 2027-01-26 (+7 days = 02-02) fits
    assert scholarship["ks_meeting"] == "2027-01-26"
    assert scholarship["ks_submission"] == "2027-01-05"
    assert scholarship["deadline"] == "2027-02-14T22:59:00+00:00"  # 23:59 in Stockholm
    assert scholarship["committee"] is None and scholarship["too_late"] is False
    # 2027-01-03 is out of reach (the December meeting closed for matters on 11-17)
    gnomon = rows["eu-funding:cascade-11145"]["decide_by"]
    assert gnomon["skipped"] == ["2027-01-03T04:59:00+00:00"]
    with_committee = json.loads(cli("calls", "--committee", "bun", "--format", "json").stdout)
    # the replay's school calls are tagged bun; the untagged scholarship is filtered away
    assert with_committee and all("bun" in r["committees"] for r in with_committee)
    assert "eu-funding:cascade-11265" not in {r["id"] for r in with_committee}
    assert all(r["decide_by"] is None or r["decide_by"]["committee"] == "bun"
               for r in with_committee)
    table = cli("calls").output
    assert "Besluta senast" in table and "2027-01-26" in table
    assert "Decide by" in cli("calls", lang="en").output
    legislation = json.loads(cli("legislation", "--format", "json").stdout)
    assert all("decide_by" not in r for r in legislation)


def test_calls_decide_by_uses_committee_tag_or_option(cli, with_calls, config_dir):
    rows = {r["id"]: r for r in json.loads(cli("calls", "--format", "json").stdout)}
    youth = rows["eu-funding:ERASMUS-2026-KA152-YOU"]["decide_by"]
    assert youth["committee"] == "kfn"  # the first (highest scored) committee tag
    assert youth["ks_meeting"] == "2027-01-26" and youth["committee_meeting"] == "2026-12-01"
    rows = {r["id"]: r for r in json.loads(cli("calls", "--committee", "bun", "--format",
                                                "json").stdout)}
    youth = rows["eu-funding:ERASMUS-2026-KA152-YOU"]["decide_by"]
    assert youth["committee"] == "bun" and youth["committee_meeting"] == "2026-11-25"
    nordplus = rows["nordplus:junior-2027"]
    assert nordplus["decide_by"]["too_late"] is True
    table = cli("calls", "--committee", "bun").output
    assert "för sent för KS-beslut" in table
    assert "too late for a KS" in cli("calls", "--committee", "bun", lang="en").output
    (config_dir / "meetings.toml").unlink()
    rows = json.loads(cli("calls", "--format", "json").stdout)
    assert all(r["decide_by"] is None for r in rows)
