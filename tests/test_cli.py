"""The CLI end to end on replayed SEDIA pages: poll, calls, legislation, show, sources."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from monitor.app import open_store
from tests.conftest import REPLAY
from tests.source_helpers import keep_only_sources


@pytest.fixture(autouse=True)
def _sedia_only(config_dir):
    """These tests are about the CLI on the SEDIA replay: keep only the eu-funding source of
    the shipped configuration (the other sources have tests of their own)."""
    keep_only_sources(config_dir, "eu-funding")


def moved_deadline_replay(tmp_path):
    """The shipped replay with one cascade call's next cut-off moved by 17 days."""
    target = tmp_path / "replay-moved"
    shutil.copytree(REPLAY, target)
    page = target / "eu-funding" / "page2.json"
    data = json.loads(page.read_text())
    for row in data["results"]:
        if row["reference"] == "11143COMPETITIVE_CALLen":
            dates = row["metadata"]["deadlineDate"]
            dates[dates.index("2027-01-03T07:59:00.000+0000")] = "2027-01-20T07:59:00.000+0000"
    page.write_text(json.dumps(data))
    return target


def test_poll_replay_twice_changes_nothing(cli):
    first = cli("poll", "--replay", str(REPLAY))
    assert first.exit_code == 0, first.output
    assert "eu-funding: 8 poster, 8 nya, 0 ändrade" in first.output
    second = cli("poll", "--replay", str(REPLAY), lang="en")
    assert second.exit_code == 0
    assert "eu-funding: 8 items, 0 new, 0 changed" in second.output
    assert "1 of 1 sources polled, 0 failed." in second.output


def test_moved_deadline_shows_in_history(cli, tmp_path):
    cli("poll", "--replay", str(REPLAY))
    result = cli("poll", "--replay", str(moved_deadline_replay(tmp_path)))
    assert "0 nya, 1 ändrade" in result.output
    shown = cli("show", "eu-funding:cascade-11143")
    assert shown.exit_code == 0
    assert "Ändringar" in shown.output and "deadlines:" in shown.output
    assert "2027-01-20T07:59:00+00:00" in shown.output
    assert "Sista dag: 2027-01-20 08:59" in shown.output  # Stockholm time
    data = json.loads(cli("show", "cascade-11143", "--format", "json").stdout)
    [change] = data["history"]
    assert change["field"] == "deadlines"
    assert "2027-01-03T07:59:00+00:00" in change["old"]
    assert data["first_poll"]["id"] == 1 and data["last_poll"]["id"] == 2
    english = cli("show", "cascade-11143", lang="en")
    assert "Changes" in english.output and "First seen" in english.output


def test_calls_json_fields_and_order(cli):
    cli("poll", "--replay", str(REPLAY))
    # internships and a scholarship: open, but the municipality cannot apply (only --all)
    assert json.loads(cli("calls", "--format", "json").stdout) == []
    rows = json.loads(cli("calls", "--all", "--status", "open", "--format", "json").stdout)
    # the fourth cascade call's last cut-off (2026-09-29) has passed: closed, not listed
    assert [r["id"] for r in rows] == ["eu-funding:cascade-11145", "eu-funding:cascade-11143",
                                       "eu-funding:cascade-11265"]
    assert [r["eligible"] for r in rows] == [False] * 3 and rows[0]["regions"] == []
    assert rows[0]["eligibility_reason"].startswith("endast enskilda personer")
    first = rows[0]
    for key in ("id", "source", "kind", "title", "url", "programme", "status", "opens",
                "deadline", "deadlines", "committees", "priorities", "first_seen", "updated"):
        assert key in first
    assert first["deadline"] == "2027-01-03T04:59:00+00:00" and first["status"] == "open"
    assert first["committees"] == [] and first["priorities"] == []
    deadlines = [r["deadline"] for r in rows]
    assert deadlines == sorted(deadlines)


def test_calls_filters(cli):
    cli("poll", "--replay", str(REPLAY))

    def ids(*args):
        result = cli("calls", *args, "--format", "json")
        assert result.exit_code == 0, result.output
        return {r["id"].split(":")[1] for r in json.loads(result.stdout)}
    assert len(ids("--all")) == 8
    assert ids("--all", "--status", "closed") == {"HORIZON-CL5-2026-09-D4-03", "HORIZON-CL5-2026-09-D4-08",
                                         "HORIZON-JU-CBE-2026-IAFlag-02",
                                         "HORIZON-JU-CBE-2026-IA-05", "cascade-11264"}
    assert ids("--closing-within", "45") == set()  # internships: not for the municipality
    assert ids("--all", "--closing-within", "45") == {"cascade-11143", "cascade-11145"}
    assert ids("--all", "--search", "internships") == {"cascade-11143", "cascade-11145"}
    assert ids("--all", "--programme", "horizon") == {
        "HORIZON-CL5-2026-09-D4-03", "HORIZON-CL5-2026-09-D4-08",
        "HORIZON-JU-CBE-2026-IAFlag-02", "HORIZON-JU-CBE-2026-IA-05",
        "cascade-11264"}  # EIT Urban Mobility cascade call, under Horizon Europe
    unknown = cli("calls", "--source", "nowhere")  # was silently empty
    assert unknown.exit_code == 2 and "Fel: --source 'nowhere'" in unknown.output
    assert ids("--source", "EU-funding") == ids()
    assert len(ids("--all", "--limit", "1")) == 1


def test_calls_csv_and_table(cli):
    cli("poll", "--replay", str(REPLAY))
    rows = list(csv.DictReader(io.StringIO(cli("calls", "--all", "--status", "open", "--format",
                                               "csv").stdout)))
    assert len(rows) == 3 and rows[0]["id"] == "eu-funding:cascade-11145"
    assert rows[0]["deadlines"].count(";") == 6 and rows[0]["eligible"] == "False"
    table = cli("calls", "--all", "--status", "open").output
    assert "Sista dag" in table and "Gnomon" in table
    assert "Deadline" in cli("calls", "--all", lang="en").output


def test_bad_status_and_format_are_usage_errors(cli):
    assert cli("calls", "--status", "ajar").exit_code == 2
    assert cli("calls", "--format", "xml").exit_code == 2


def test_empty_store_says_so(cli, tmp_path):
    open_store(tmp_path / "monitor.db").close()  # the configured database, polled but empty
    assert "Inga poster matchar." in cli("calls").output
    assert "No items match." in cli("legislation", lang="en").output
    result = cli("show", "nothing-here")
    assert result.exit_code == 1 and "Ingen post med id" in result.output


def test_failed_source_exit_3_and_others_stored(cli, config_dir, tmp_path):
    sources = config_dir / "sources.toml"
    sources.write_text(sources.read_text() + '\n[[source]]\nname = "other"\nkind = "sedia"\n'
                       'url = "https://other.example/search"\n')
    result = cli("poll", "--replay", str(REPLAY))
    assert result.exit_code == 3
    assert "other: MISSLYCKADES" in result.output and "no recorded responses" in result.output
    assert "1 av 2 källor hämtade, 1 misslyckades." in result.output
    status = json.loads(cli("sources", "status", "--format", "json").stdout)
    by_name = {s["name"]: s for s in status}
    assert by_name["eu-funding"]["outcome"] == "ok" and by_name["eu-funding"]["items_stored"] == 8
    assert by_name["other"]["outcome"] == "error" and "no recorded" in by_name["other"]["error"]


def test_poll_unknown_source_and_replay_with_record(cli, tmp_path):
    result = cli("poll", "--source", "nope")
    assert result.exit_code == 2 and "eu-funding" in result.output
    result = cli("poll", "--replay", str(REPLAY), "--record", str(tmp_path))
    assert result.exit_code == 2


def test_run_is_poll_plus_later_steps(cli):
    result = cli("run", "--replay", str(REPLAY))
    assert result.exit_code == 0, result.output
    assert "eu-funding: 8 poster" in result.output


def test_sources_list_json(cli):
    rows = json.loads(cli("sources", "list", "--format", "json").stdout)
    eu = next(r for r in rows if r["name"] == "eu-funding")
    assert eu["kind"] == "sedia" and eu["url"].startswith("https://api.tech.ec.europa.eu/")


def test_sources_kinds_prints_docstrings(cli):
    output = cli("sources", "kinds").output
    assert "sedia" in output and "EU Funding & Tenders portal" in output and "page_size" in output


@pytest.mark.parametrize("command, expected", [
    ("subscriptions --format json", '"origin"'),
    ("meetings --committee ks", "Kommunstyrelsen"),
])
def test_configuration_answers_without_a_database_and_create_nothing(cli, tmp_path, command,
                                                                     expected):
    """``subscriptions`` and ``meetings`` answer from the configuration on a fresh install:
    the configured defaults and meeting dates, without leaving an empty database behind."""
    db = tmp_path / "sub" / "elsewhere.db"
    result = cli("--db", str(db), *command.split())
    assert result.exit_code == 0, result.output
    assert expected in result.output
    assert not db.exists() and not db.parent.exists()
    with_file = cli("--db", str(tmp_path / "made.db"), *command.split())
    assert with_file.output == result.output  # the same answer once a database exists


@pytest.mark.parametrize("command", ["calls", "legislation", "sources status", "show x",
                                     "applications", "report --year 2026", "activities",
                                     "calendar", "digest"])
def test_read_commands_on_a_missing_database_fail_and_create_nothing(cli, tmp_path,
                                                                     monkeypatch, command):
    db = tmp_path / "sub" / "elsewhere.db"
    result = cli("--db", str(db), *command.split())
    assert result.exit_code == 2, result.output
    assert f"Fel: Databasen finns inte: {db} – kör `monitor poll` först eller ange --db" \
        in " ".join(result.output.split())
    assert not db.exists() and not db.parent.exists()
    english = cli("--db", str(db), *command.split(), lang="en")
    assert english.exit_code == 2 and "The database does not exist" in english.output
    open_store(db).close()
    assert cli("--db", str(db), *command.split()).exit_code in (0, 1)  # 1: show finds no x
    env_db = tmp_path / "env.db"
    monkeypatch.setenv("MONITOR_DB", str(env_db))
    assert cli(*command.split()).exit_code == 2 and not env_db.exists()
    assert cli("poll", "--replay", str(REPLAY)).exit_code == 0 and env_db.exists()
