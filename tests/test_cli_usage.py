"""What people type: committees by name or prefix, Swedish values, one error style (sv, en)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from monitor.app import open_store
from monitor.model import Item, Tag
from tests.conftest import NOW


def _call(native_id: str, title: str, *, days: int = 40, status: str | None = None) -> Item:
    return Item(source="eu-funding", native_id=native_id, kind="call", title=title,
                url=f"https://example.org/{native_id}", summary="",
                deadlines=[NOW + timedelta(days=days)], status=status)


@pytest.fixture
def tagged(tmp_path):
    """Four calls in the configured database: two of bun, one of kfn, one closed of bun."""
    with open_store(tmp_path / "monitor.db") as store:
        store.upsert_items([_call("a", "Läsfrämjande i skolan"), _call("b", "Skolor i Norden"),
                            _call("c", "Kultur för unga"),
                            _call("d", "Stängd skolutlysning", days=-5)], now=NOW)
        for native, committee in (("a", "bun"), ("b", "bun"), ("c", "kfn"), ("d", "bun")):
            store.replace_tags(f"eu-funding:{native}",
                               [Tag("committee", committee, 4.0, ("skola",), "terms")], now=NOW)


def _ids(cli, *args: str) -> list[str]:
    result = cli("calls", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def test_committee_by_id_in_any_case_by_name_or_by_prefix(cli, tagged):
    bun = _ids(cli, "--committee", "bun")
    assert bun == ["eu-funding:a", "eu-funding:b"]
    for typed in ("BUN", "Bun", "Barn- och utbildningsnämnden", "barn- och utbildningsnämnden",
                  "Barn", "Committee for Children", " bun "):
        assert _ids(cli, "--committee", typed) == bun, typed
    assert _ids(cli, "--committee", "Kultur- och fritidsnämnden") == ["eu-funding:c"]


def test_near_miss_and_ambiguous_committee(cli, tagged):
    miss = cli("calls", "--committee", "bnu")
    assert miss.exit_code == 2
    assert "Fel: --committee 'bnu': okänt värde. Menade du 'bn' eller 'bun'?" in miss.output
    assert "Giltiga: ks, bun, gvn" in miss.output
    english = cli("calls", "--committee", "bnu", lang="en")
    assert "Error: --committee 'bnu': unknown value. Did you mean 'bn' or 'bun'?" \
        in english.output
    both = cli("calls", "--committee", "b")  # bun, bn, Barn…, Byggnadsnämnden, Building …
    assert both.exit_code == 2
    assert "Fel: --committee 'b': passar flera (bun, bn); skriv mer av namnet." in both.output
    assert "fits several (bun, bn)" in cli("calls", "--committee", "b", lang="en").output


def test_swedish_status_values(cli, tagged):
    assert _ids(cli, "--status", "öppen") == _ids(cli, "--status", "open")
    assert _ids(cli, "--status", "stängd") == ["eu-funding:d"]
    assert _ids(cli, "--status", "Stängd") == ["eu-funding:d"]
    bad = cli("calls", "--status", "öpen")
    assert bad.exit_code == 2 and "Menade du 'öppen'?" in bad.output


def test_swedish_application_status_and_frequency(cli, tagged):
    assert cli("apply", "eu-funding:a", "--committee", "Barn- och utbildningsnämnden"
               ).exit_code == 0
    moved = cli("application", "1", "--status", "ks-godkänd", "--by", "kansliet")
    assert moved.exit_code == 0, moved.output
    assert "avsikt → godkänd av KS" in moved.output
    listed = json.loads(cli("applications", "--status", "KS-godkänd", "--committee", "BUN",
                            "--format", "json").stdout)
    assert [a["status"] for a in listed] == ["ks-approved"]
    assert cli("application", "1", "--status", "inskickad").exit_code == 0
    assert cli("application", "1", "--status", "beviljad", "--amount", "1000").exit_code == 0
    saved = cli("subscribe", "kultur", "--email", "a@example.org", "--frequency", "dagligen")
    assert saved.exit_code == 0 and "kfn → a@example.org (dagligen" in saved.output
    english = cli("subscribe", "kultur", "--email", "a@example.org", "--frequency", "veckovis",
                  lang="en")
    assert "kfn → a@example.org (weekly" in english.output


@pytest.mark.parametrize("args, sv, en", [
    (["calls", "--limit", "x"], "Fel: --limit 'x': är inget heltal.",
     "Error: --limit 'x': is not a whole number."),
    (["calls", "--limit", "0"], "Fel: --limit '0': ligger utanför det tillåtna",
     "Error: --limit '0': is outside the allowed range"),
    (["calls", "--limt", "5"], "Fel: okänd flagga --limt. Menade du --limit?",
     "Error: unknown option --limt. Did you mean --limit?"),
    (["cals"], "Fel: okänt kommando 'cals'. Menade du 'calls'?",
     "Error: unknown command 'cals'. Did you mean 'calls'?"),
    (["calls", "--closing-within", "-3"], "Fel: --closing-within -3.0: får inte vara negativt.",
     "Error: --closing-within -3.0: must not be negative."),
    (["applications", "--year", "26"], "Fel: --year 26: ange året med fyra siffror",
     "Error: --year 26: give the year as four digits"),
    (["report", "--year", "26"], "Fel: --year 26: ange året med fyra siffror",
     "Error: --year 26: give the year as four digits"),
    (["calls", "--source", "eu-fundnig"],
     "Fel: --source 'eu-fundnig': okänt värde. Menade du 'eu-funding'?",
     "Error: --source 'eu-fundnig': unknown value. Did you mean 'eu-funding'?"),
    (["calls", "--format", "xml"], "Fel: --format 'xml': okänt värde.",
     "Error: --format 'xml': unknown value."),
    (["subscribe", "bun"], "Fel: --email saknas.", "Error: --email is missing."),
    (["show"], "Fel: ID saknas (argument).", "Error: the argument ID is missing."),
    (["calls", "extra"], "Fel: oväntat argument 'extra'.", "Error: unexpected argument 'extra'."),
    (["sources", "stauts"], "Fel: okänt kommando 'stauts'. Menade du 'status'?",
     "Error: unknown command 'stauts'. Did you mean 'status'?"),
    (["calls", "--format", "jsn"], "Fel: --format 'jsn': okänt värde. Menade du 'json'?",
     "Error: --format 'jsn': unknown value. Did you mean 'json'?"),
])
def test_one_error_style_for_our_checks_and_typers(cli, tagged, args, sv, en):
    swedish = cli(*args)
    assert swedish.exit_code == 2
    assert sv in " ".join(swedish.output.split()), swedish.output
    assert "Traceback" not in swedish.output and "Usage:" not in swedish.output
    english = cli(*args, lang="en")
    assert english.exit_code == 2
    assert en in " ".join(english.output.split()), english.output


def test_global_lang_given_after_an_error_still_counts(cli):
    result = cli("--lang", "de", "calls")
    assert result.exit_code == 2 and "Fel: --lang 'de': okänt värde. Giltiga: sv, en." \
        in result.output


def test_the_registers_refusals_use_the_same_style(cli, tagged):
    assert cli("apply", "eu-funding:a", "--committee", "bun").exit_code == 0
    refused = cli("application", "1", "--status", "inskickad")
    assert refused.exit_code == 2
    assert refused.output.startswith("Fel: Ansökan 1 kan inte gå från avsikt till inskickad")
    english = cli("application", "1", "--status", "submitted", lang="en")
    assert english.exit_code == 2
    assert english.output.startswith("Error: Application 1 cannot go from intent to submitted")


def test_help_still_works_for_every_command(cli):
    from tests.test_docs import command_paths
    for path in command_paths():
        result = cli(*path.split(), "--help")
        assert result.exit_code == 0 and "Usage:" in result.output, path


def test_activity_kinds_in_swedish(cli, tagged):
    added = cli("activity", "add", "--committee", "Kultur", "--kind", "besök", "--title",
                "Körresa till Cesis", "--format", "json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["kind"] == "visit"
    wrong = cli("activity", "add", "--committee", "kfn", "--kind", "besk", "--title", "x")
    assert wrong.exit_code == 2 and "Fel: --kind 'besk': okänt värde. Menade du 'besök'?" \
        in wrong.output


def test_meetings_take_the_committee_by_name(cli):
    by_name = cli("meetings", "--committee", "Kommunstyrelsen", "--format", "json")
    assert by_name.exit_code == 0, by_name.output
    rows = json.loads(by_name.stdout)
    assert rows and {r["body"] for r in rows} == {"ks"}
    assert json.loads(cli("meetings", "--committee", "KS", "--format", "json").stdout) == rows
    unknown = cli("meetings", "--committee", "kss", lang="en")
    assert unknown.exit_code == 2 and "Error: --committee 'kss': unknown value." in unknown.output
