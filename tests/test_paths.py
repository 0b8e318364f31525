"""Paths in settings.toml are relative to the configuration folder; make demo keeps its mail
in its own outbox."""

from __future__ import annotations

import re

from monitor.app import load_config
from monitor.mail.message import mail_settings
from tests.conftest import REPLAY, ROOT


def _relative_settings(config_dir):
    """The test copy's absolute database and outbox made relative again (as shipped)."""
    settings = config_dir / "settings.toml"
    text, found = re.subn(r'(?m)^database = ".*"$', 'database = "../state/m.db"',
                          settings.read_text(encoding="utf-8"))
    text, also = re.subn(r'(?m)^outbox = ".*"$', 'outbox = "../state/outbox"', text)
    assert found == also == 1
    settings.write_text(text, encoding="utf-8")


def test_settings_paths_follow_the_config_folder_not_the_working_directory(
        cli, config_dir, tmp_path, monkeypatch):
    _relative_settings(config_dir)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("MONITOR_OUTBOX", raising=False)
    config = load_config(config_dir)
    assert config.settings.database == tmp_path / "state" / "m.db"
    assert mail_settings(config).outbox == tmp_path / "state" / "outbox"
    assert cli("poll", "--source", "eu-funding", "--replay", str(REPLAY)).exit_code == 0
    assert (tmp_path / "state" / "m.db").is_file()
    assert list(elsewhere.iterdir()) == []
    # what the command line or the environment gives stays relative to the working directory
    monkeypatch.setenv("MONITOR_OUTBOX", "out")
    assert mail_settings(load_config(config_dir)).outbox.as_posix() == "out"


def test_make_demo_never_writes_into_the_production_outbox():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    env = dict(re.findall(r"(MONITOR_\w+)=(\S+)", makefile.split("DEMO_ENV :=", 1)[1]
                          .split("\n", 1)[0]))
    assert recipe.count("$(DEMO_ENV) $(BIN)/monitor") == 2  # every command of the demo
    production = mail_settings(load_config(ROOT / "config")).outbox
    assert env["MONITOR_MAIL_TRANSPORT"] == "outbox"
    assert env["MONITOR_OUTBOX"] != production.as_posix() and "demo" in env["MONITOR_OUTBOX"]
    assert env["MONITOR_DB"] != load_config(ROOT / "config").settings.database.as_posix()
