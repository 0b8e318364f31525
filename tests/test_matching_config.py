"""config/matching.toml is checked like every other file: file, key and valid choices."""

from __future__ import annotations

import subprocess
import sys

import pytest

from monitor.app import load_config, open_store
from monitor.errors import ConfigError
from monitor.matchers import build_tagger
from tests.conftest import ROOT
from tests.hermetic import replaced
from tests.test_matchers import RULES, make_tagger

COMMITTEES = ["ks", "bun", "gvn", "san", "aon", "kfn", "shn", "bn"]


def error_for(tmp_path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        make_tagger(tmp_path, text)
    assert caught.value.file and caught.value.file.endswith("matching.toml")
    return caught.value


def test_unknown_committee_in_terms_names_file_key_and_valid_ids(tmp_path):
    error = error_for(tmp_path, RULES + '\n[terms.kultur]\nsv.strong = ["teater"]\n')
    assert error.key == "terms.kultur"
    assert error.valid == [*COMMITTEES, "ignore"]
    assert "matching.toml: terms.kultur: unknown committee 'kultur'" in str(error)


def test_unknown_committee_in_a_programme_hint(tmp_path):
    text = replaced(RULES, "committees = { bun = 4, gvn = 4 }",
                    "committees = { bun = 4, skola = 4 }")
    error = error_for(tmp_path, text)
    assert error.key == "programme[1].committees.skola"
    assert error.valid == COMMITTEES


def test_unknown_key_lists_the_valid_keys(tmp_path):
    error = error_for(tmp_path, replaced(RULES, 'name = "ICLD"', 'name = "ICLD"\ncolour = "red"'))
    assert error.key == "programme[3].colour"
    assert error.valid == ["committees", "fallback", "fields", "kinds", "match", "name", "youth"]


def test_unknown_table(tmp_path):
    error = error_for(tmp_path, RULES + "\n[synonyms]\nx = 1\n")
    assert error.key == "synonyms"
    assert error.valid == ["scoring", "code", "eligibility", "exclude", "priority", "programme",
                           "terms"]


def test_unknown_tier_and_language(tmp_path):
    tier = error_for(tmp_path, RULES + '\n[terms.gvn]\nsv.huge = ["komvux"]\n')
    assert tier.key == "terms.gvn.sv.huge" and tier.valid == ["medium", "strong", "weak"]
    lang = error_for(tmp_path, RULES + '\n[terms.gvn]\nde.strong = ["Schule"]\n')
    assert lang.key == "terms.gvn.de" and lang.valid == ["any", "en", "sv"]


def test_unknown_priority_area(tmp_path):
    error = error_for(tmp_path, replaced(RULES, 'youth = "barn-och-unga"', 'youth = "unga"'))
    assert error.key == "priority.youth"
    assert error.valid == ["verksamhetsutveckling", "barn-och-unga", "omvarldsbevakning"]


def test_bad_values(tmp_path):
    assert error_for(tmp_path, replaced(RULES, 'youth = "with-staff"', 'youth = "pupils"')
                     ).key == "programme[1].youth"
    assert error_for(tmp_path, replaced(RULES, 'sv.strong = ["förskola"]', 'sv.strong = ["*"]')
                     ).key == "terms.bun.sv.strong"
    assert error_for(tmp_path, replaced(RULES, "threshold = 3.0", "threshold = -1")
                     ).key == "scoring.threshold"
    assert error_for(tmp_path, replaced(RULES, "programme = 1.0", "body = 1.0")
                     ).key == "scoring.fields.body"
    assert error_for(tmp_path, replaced(RULES, 'fields = ["programme"]', 'fields = ["url"]')
                     ).key == "programme[3].fields"
    assert error_for(tmp_path, replaced(RULES, "committees = { ks = 5 }",
                                             'committees = { ks = "five" }', 1)
                     ).key == "programme[2].committees.ks"


def test_syntax_error_names_the_line(tmp_path):
    error = error_for(tmp_path, RULES + "\n[terms.aon\n")
    assert error.key and error.key.startswith("line ")


def test_without_matching_file_tagging_is_off(config_dir):
    (config_dir / "matching.toml").unlink()
    assert build_tagger(load_config(config_dir)) is None


def test_shipped_rules_load_in_a_fresh_process():
    """The loader is registered through FEATURE_MODULES, not by an earlier import."""
    code = ("from monitor.app import load_config; "
            f"print(type(load_config({str(ROOT / 'config')!r}).extras['matching']).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, env={"PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.strip() == "Tagger"


def test_calls_and_legislation_refuse_unknown_ids(cli, tmp_path):
    open_store(tmp_path / "monitor.db").close()  # the configured database, empty
    result = cli("calls", "--committee", "skola")
    assert result.exit_code == 2
    assert "ks, bun, gvn, san, aon, kfn, shn, bn" in result.output
    result = cli("legislation", "--priority", "unga", lang="en")
    assert result.exit_code == 2
    assert "verksamhetsutveckling, barn-och-unga, omvarldsbevakning" in result.output
    assert cli("calls", "--committee", "ks").exit_code == 0
