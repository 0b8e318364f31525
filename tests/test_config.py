"""Configuration: every mistake is refused with file, key or line, and the valid choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.app import load_config
from monitor.errors import ConfigError
from tests.hermetic import edit_file


def write(config_dir: Path, name: str, text: str) -> Path:
    path = config_dir / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_loads(config):
    assert config.settings.timezone == "Europe/Stockholm"
    assert config.settings.http.max_body_bytes == 20 * 1024 * 1024
    assert "eu-funding" in [s.name for s in config.sources]
    eu = config.source("eu-funding")
    assert eu.kind == "sedia" and eu.enabled and eu.options["page_size"] == 100


def test_missing_settings_file_means_defaults(config_dir):
    (config_dir / "settings.toml").unlink()
    config = load_config(config_dir)
    assert config.settings.database == config_dir.parent / "data" / "monitor.db"
    assert config.settings.http.retries == 3


def test_syntax_error_names_file_and_line(config_dir):
    path = write(config_dir, "settings.toml", 'timezone = "Europe/Stockholm"\n[http\ntimeout = 3\n')
    with pytest.raises(ConfigError) as info:
        load_config(config_dir)
    message = str(info.value)
    assert str(path) in message and "line 2" in message and "TOML syntax error" in message


def test_unknown_settings_key_lists_valid_keys(config_dir):
    write(config_dir, "settings.toml", "[http]\ntimout = 3\n")
    with pytest.raises(ConfigError) as info:
        load_config(config_dir)
    assert info.value.key == "http.timout"
    assert "timeout" in info.value.valid and "user_agent" in info.value.valid
    assert "settings.toml" in str(info.value)


@pytest.mark.parametrize("text, key, fragment", [
    ("[http]\ntimeout = \"thirty\"\n", "http.timeout", "must be number"),
    ("[http]\nretries = true\n", "http.retries", "must be integer"),
    ("[http]\ntimeout = -1\n", "http.timeout", "greater than 0"),
    ("timezone = \"Europe/Tyreso\"\n", "timezone", "unknown time zone"),
    ("language = \"fi\"\n", "language", "must be one of sv, en"),
    ("http = 3\n", "http", "must be a table"),
])
def test_wrong_values_are_refused(config_dir, text, key, fragment):
    write(config_dir, "settings.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(config_dir)
    assert info.value.key == key
    assert fragment in str(info.value)


SOURCE = """[[source]]
name = "{name}"
kind = "{kind}"
url = "{url}"
{extra}
"""


@pytest.mark.parametrize("name, kind, url, extra, key, fragment", [
    ("a", "sedia", "file:///etc/passwd", "", "source[1] (a).url", "http:// or https://"),
    ("a", "sedia", "/var/feeds/x.xml", "", "source[1] (a).url", "http:// or https://"),
    ("a", "nosuchkind", "https://x.example", "", "source[1] (a).kind", "unknown source kind"),
    ("a", "sedia", "https://x.example", "page_size = 500", "source[1] (a).page_size", "1 to 100"),
    ("a", "sedia", "https://x.example", "pagesize = 5", "source[1] (a).pagesize", "unknown key"),
    ("A b", "sedia", "https://x.example", "", "source[1] (A b).name", "lowercase"),
    ("a", "sedia", "https://x.example", "enabled = \"yes\"", "source[1] (a).enabled",
     "true/false"),
])
def test_bad_source_blocks_are_refused(config_dir, name, kind, url, extra, key, fragment):
    write(config_dir, "sources.toml", SOURCE.format(name=name, kind=kind, url=url, extra=extra))
    with pytest.raises(ConfigError) as info:
        load_config(config_dir)
    assert info.value.key == key
    assert fragment in str(info.value)
    assert "sources.toml" in str(info.value)


def test_unknown_source_key_lists_the_kinds_keys(config_dir):
    write(config_dir, "sources.toml", SOURCE.format(name="a", kind="sedia",
                                                    url="https://x.example", extra="colour = 1"))
    with pytest.raises(ConfigError) as info:
        load_config(config_dir)
    assert {"name", "kind", "url", "enabled", "page_size", "statuses"} <= set(info.value.valid)


def test_duplicate_source_names_are_refused(config_dir):
    block = SOURCE.format(name="a", kind="sedia", url="https://x.example", extra="")
    write(config_dir, "sources.toml", block + "\n" + block)
    with pytest.raises(ConfigError, match="duplicate source name 'a'"):
        load_config(config_dir)


def test_bad_committee_address_is_refused(config_dir):
    edit_file(config_dir / "committees.toml",
              ('email = "bygglov@tyreso.se"', 'email = "bygglov at tyreso"'))
    with pytest.raises(ConfigError) as info:
        load_config(config_dir)
    assert info.value.key == "committee.bn.email"


def test_config_dir_from_environment(config_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("MONITOR_CONFIG", str(config_dir))
    monkeypatch.chdir(tmp_path)
    assert load_config().dir == config_dir
    monkeypatch.setenv("MONITOR_CONFIG", str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_config()


@pytest.mark.parametrize("lang, expected", [("sv", "Fel i konfigurationen"),
                                            ("en", "Configuration error")])
def test_cli_config_error_exits_2_and_writes_nothing(cli, config_dir, tmp_path, lang, expected):
    write(config_dir, "settings.toml",
          f'database = "{(tmp_path / "x.db").as_posix()}"\n[http]\nbogus = 1\n')
    result = cli("poll", lang=lang)
    assert result.exit_code == 2
    assert expected in result.output and "http.bogus" in result.output
    assert "valid:" in result.output and "timeout" in result.output
    assert not (tmp_path / "x.db").exists()
