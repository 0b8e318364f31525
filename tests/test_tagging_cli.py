"""``monitor tag``, ``monitor eval`` and ``monitor retag`` through the CLI, in sv and en;
tagging at ingest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.app import load_config, open_store
from monitor.cli import app
from monitor.config.settings import database_path
from monitor.model import Item
from monitor.store.database import Store
from tests.conftest import FIXTURES, NOW, REPLAY
from tests.hermetic import edit_file

DEV = FIXTURES / "tagging" / "labelled-dev.jsonl"
GOOD = [
    {"id": "a", "source": "esf", "kind": "call", "language": "sv",
     "title": "Välfärdsteknik i äldreomsorgen", "summary": "", "programme": "ESF+",
     "deadline": "ignored"},
    {"id": "b", "source": "eu", "kind": "legislation", "language": "en",
     "title": "Council Regulation fixing the fishing opportunities for 2026"},
]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good_lines() -> list[str]:
    return [json.dumps(row, ensure_ascii=False) for row in GOOD]


def test_tag_writes_one_json_line_per_item(cli, tmp_path):
    result = cli("tag", str(write_lines(tmp_path / "items.jsonl", good_lines())))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["committees"] == ["aon"]
    assert rows[0]["priorities"] == ["verksamhetsutveckling"]
    assert set(rows[0]["why"]) == {"aon", "verksamhetsutveckling"}
    assert any("äldreomsorg" in e for e in rows[0]["why"]["aon"])
    # ESF+ is for one programme area and this call names none: unknown, still tagged
    assert rows[0]["eligible"] is None and rows[0]["regions"] == []
    assert rows[1] == {"id": "b", "committees": [], "priorities": [], "why": {},
                       "regions": [], "eligible": None, "eligibility_reason": None,
                       "eligibility_reason_en": None}


@pytest.mark.parametrize("lang, expected", [
    (None, ["rad 2: inte giltig JSON", "rad 3: fältet 'title' saknas",
            "rad 4: kind 'remiss' är okänd (giltiga: call, legislation)",
            "rad 5: inte ett JSON-objekt", "4 rader kunde inte läsas"]),
    ("en", ["line 2: not valid JSON", "line 3: field 'title' is missing",
            "line 4: kind 'remiss' is unknown (valid: call, legislation)",
            "line 5: not a JSON object", "4 lines could not be read"]),
])
def test_tag_reports_bad_lines_and_still_tags_the_others(cli, tmp_path, lang, expected):
    lines = [good_lines()[0], '{"id": "x", "title": ', '{"id": "y", "kind": "call"}',
             '{"id": "z", "title": "Remiss", "kind": "remiss"}', "[1, 2]", "",
             good_lines()[1]]
    result = cli("tag", str(write_lines(tmp_path / "items.jsonl", lines)), lang=lang)
    assert result.exit_code == 1
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["a", "b"]
    for text in expected:
        assert text in result.stderr


def test_tag_reads_standard_input(config_dir):
    result = CliRunner().invoke(app, ["--config", str(config_dir), "tag", "-"],
                                input="\n".join(good_lines()))
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2


def test_tag_missing_file_is_a_usage_error(cli, tmp_path):
    result = cli("tag", str(tmp_path / "nothing.jsonl"), lang="en")
    assert result.exit_code == 2
    assert "Error: FILE" in result.output and "does not exist" in result.output


def test_tag_without_rules_names_the_missing_file(cli, config_dir, tmp_path):
    (config_dir / "matching.toml").unlink()
    result = cli("tag", str(write_lines(tmp_path / "i.jsonl", good_lines())))
    assert result.exit_code == 2
    output = result.output.replace("\n", "")  # the console may wrap a long path
    assert "matching.toml: inga matchningsregler" in output


@pytest.mark.parametrize("lang, words", [
    (None, ["44 poster utvärderade", "Nämnder (makro-F1", "Prioriterade områden",
            "Poster utan nämnd som ändå fick en: 0 av 12", "Täckning"]),
    ("en", ["44 items evaluated", "Committees (macro-F1", "Priority areas",
            "Items labelled with no committee that got one: 0 of 12", "Recall"]),
])
def test_eval_prints_scores_per_label(cli, lang, words):
    result = cli("eval", str(DEV), lang=lang)
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.stdout


def test_eval_json_and_misses_with_why(cli, tmp_path):
    rows = [dict(GOOD[0], committees=["san"], priorities=["verksamhetsutveckling"]),
            dict(GOOD[1], committees=[], priorities=[])]
    path = write_lines(tmp_path / "l.jsonl", [json.dumps(r, ensure_ascii=False) for r in rows])
    result = cli("eval", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["items"] == 2
    assert report["committees"]["labels"]["aon"] == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0, "tp": 0, "fp": 1, "fn": 0}
    assert report["committees"]["labels"]["san"]["fn"] == 1
    assert report["committees"]["macro_f1"] == 0.0
    assert report["priorities"]["macro_f1"] == 1.0
    assert report["no_committee"] == {"items": 1, "tagged": 0}
    [miss] = report["misses"]
    assert miss["id"] == "a" and miss["got"]["committees"] == ["aon"]
    assert miss["why"]["not san"][0].startswith("score 0")
    assert any("äldreomsorg" in e for e in miss["why"]["aon"])


def test_eval_table_lists_misses(cli, tmp_path):
    row = dict(GOOD[0], committees=["san"], priorities=["verksamhetsutveckling"])
    path = write_lines(tmp_path / "l.jsonl", [json.dumps(row, ensure_ascii=False)])
    result = cli("eval", str(path), lang="en")
    assert "Misses (1)" in result.stdout
    assert "expected: san | verksamhetsutveckling" in result.stdout
    assert "got: aon | verksamhetsutveckling" in result.stdout


def test_eval_needs_labels(cli, tmp_path):
    result = cli("eval", str(write_lines(tmp_path / "l.jsonl", good_lines())), lang="en")
    assert result.exit_code == 1
    assert "line 1: field 'committees' must be a list of ids" in result.stderr


def edit_rules(config_dir: Path, old: str, new: str) -> None:
    edit_file(config_dir / "matching.toml", (old, new))


def _store(config_dir: Path) -> Store:
    return open_store(database_path(load_config(config_dir)))


def test_poll_tags_new_items_at_ingest(cli, config_dir):
    edit_rules(config_dir, "[terms.gvn]", '[terms.gvn]\nany.strong = ["internships"]\n')
    assert cli("poll", "--replay", str(REPLAY)).exit_code == 0
    with _store(config_dir) as store:
        tags = store.tags_for(["eu-funding:cascade-11143", "eu-funding:cascade-11265"])
    # internships for students: the municipality cannot apply, whatever terms match
    assert [(t["dimension"], t["tag"]) for t in tags["eu-funding:cascade-11143"]] == [
        ("eligibility", "no")]
    assert tags["eu-funding:cascade-11143"][0]["evidence"][:2] == [
        "endast enskilda personer (stipendier, praktik, forskartjänster)",
        "only individuals (scholarships, internships, fellowships)"]
    assert [t["tag"] for t in tags["eu-funding:cascade-11265"]] == ["no"]  # a scholarship
    edit_rules(config_dir, '"scholarship*", "stipendi*", "fellowship*", "internship*", ', '')
    edit_rules(config_dir, '"will offer internships", "offer internships", "internships to"',
               '"individual applicants"')
    assert cli("retag").exit_code == 0
    with _store(config_dir) as store:
        tags = store.tags_for(["eu-funding:cascade-11143"])["eu-funding:cascade-11143"]
    assert [(t["dimension"], t["tag"]) for t in tags] == [
        ("committee", "gvn"), ("eligibility", "yes"), ("priority", "verksamhetsutveckling")]
    assert tags[0]["evidence"] == [
        'term "internships" in title (+4.5)', 'term "students" in summary (+1)']


@pytest.mark.parametrize("lang, summary", [
    (None, "3 poster taggade om: 1 med nämnd, 1 med ändrade taggar."),
    ("en", "3 items re-tagged: 1 with a committee, 1 with changed tags."),
])
def test_retag_applies_changed_rules_to_stored_items(cli, config_dir, lang, summary):
    items = [Item(source="s", native_id=str(i), kind="call", title=title, url="u",
                  language="sv") for i, title in enumerate(
                      ["Stöd till idrottsföreningar", "Kvantsensorer", "Bibliotek"])]
    with _store(config_dir) as store:
        store.upsert_items(items, now=NOW)
    assert cli("retag").exit_code == 0
    with _store(config_dir) as store:
        assert store.tags_for(["s:0"])["s:0"][0]["tag"] == "kfn"
    edit_rules(config_dir, '"idrott", ', "")
    edit_rules(config_dir, '"idrottsförening",', "")
    result = cli("retag", "--batch-size", "2", lang=lang)
    assert result.exit_code == 0, result.output
    assert summary in result.stdout
    with _store(config_dir) as store:
        tags = store.tags_for(["s:0", "s:1", "s:2"])
    tagged = {key: [t["tag"] for t in rows if t["dimension"] in ("committee", "priority")]
              for key, rows in tags.items()}
    assert tagged["s:0"] == tagged["s:1"] == []  # "idrott" is no longer in the rules
    assert tagged["s:2"] == ["kfn", "verksamhetsutveckling"]
    # every call keeps its eligibility: a national call names no area
    assert {t["tag"] for rows in tags.values() for t in rows
            if t["dimension"] == "eligibility"} == {"yes"}
