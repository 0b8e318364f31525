"""Lazy configuration parts: the command line reads ``settings.toml`` at once and every other
file when it is first used, and still checks them all before a command writes."""

from __future__ import annotations

import pytest

from monitor.app import load_config, open_store
from monitor.errors import ConfigError
from monitor.matchers import build_tagger
from tests.hermetic import edit_file

BROKEN_RULE = ("threshold = 3.0", "threshold = -1")


def test_a_lazy_config_reads_each_part_on_first_use_and_once(config_dir):
    config = load_config(config_dir, lazy=True)
    assert config.extras.loaded() == []
    assert "sources" not in config.__dict__  # sources.toml not read yet
    tagger = build_tagger(config)
    assert type(tagger).__name__ == "Tagger"
    assert config.extras.loaded() == ["matching"]
    assert build_tagger(config) is tagger  # built once
    assert [s.name for s in config.sources] == [s.name for s in load_config(config_dir).sources]


def test_check_reads_every_part_and_the_default_load_is_complete(config_dir):
    config = load_config(config_dir, lazy=True)
    assert config.check() is config
    assert sorted(config.extras.loaded()) == sorted(config.extras)
    assert sorted(load_config(config_dir).extras.loaded()) == sorted(config.extras)


def test_a_broken_file_is_reported_when_used_or_checked(config_dir):
    edit_file(config_dir / "matching.toml", BROKEN_RULE)
    with pytest.raises(ConfigError) as eager:
        load_config(config_dir)
    assert eager.value.key == "scoring.threshold"
    config = load_config(config_dir, lazy=True)  # settings.toml alone is fine
    with pytest.raises(ConfigError) as used:
        build_tagger(config)
    assert str(used.value) == str(eager.value)
    with pytest.raises(ConfigError):
        load_config(config_dir, lazy=True).check()


def test_a_broken_sources_file_is_reported_on_first_use(config_dir):
    edit_file(config_dir / "sources.toml", append="\n[[source]]\nname = \"x\"\nkind = \"nope\"\n"
                                                  "url = \"https://example.org/\"\n")
    config = load_config(config_dir, lazy=True)
    with pytest.raises(ConfigError) as caught:
        config.sources  # noqa: B018
    assert "nope" in str(caught.value) and caught.value.file.endswith("sources.toml")


def test_a_read_command_works_with_broken_rules_and_a_writing_one_stops_first(cli, config_dir,
                                                                              tmp_path):
    open_store(tmp_path / "monitor.db").close()  # the configured database
    edit_file(config_dir / "matching.toml", BROKEN_RULE)
    assert cli("calls", "--limit", "5").exit_code == 0  # the listing needs no rules
    result = cli("subscribe", "ks", "--email", "anna@tyreso.se")
    assert result.exit_code == 2
    assert "matching.toml" in result.output and "scoring.threshold" in result.output
    with open_store(tmp_path / "monitor.db") as store:  # nothing was written
        assert store.conn.execute("SELECT count(*) FROM subscriptions").fetchone()[0] == 0


def test_a_feature_section_is_checked_when_first_used(config_dir):
    edit_file(config_dir / "settings.toml", ('poll = "0 */6 * * *"', 'poll = "0 */6 * * 1"'))
    with pytest.raises(ConfigError) as eager:
        load_config(config_dir)
    assert eager.value.key == "schedule.poll"
    config = load_config(config_dir, lazy=True)  # [schedule] not checked yet
    assert config.settings.section("mail").transport  # another section reads fine
    with pytest.raises(ConfigError) as used:
        config.settings.section("schedule")
    assert str(used.value) == str(eager.value)
