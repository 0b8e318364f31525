"""Shared fixtures: a pinned clock, a config folder per test, a store, the CLI runner."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import app
from monitor.config import load_config
from monitor.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REPLAY = FIXTURES / "replay"
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_NOW", NOW.isoformat())
    for name in ("MONITOR_CONFIG", "MONITOR_DB", "MONITOR_LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A copy of the shipped configuration, with the database inside tmp_path."""
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target)
    settings = target / "settings.toml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace('database = "../data/monitor.db"',
                        f'database = "{(tmp_path / "monitor.db").as_posix()}"')
    text = text.replace("backoff = 1.0", "backoff = 0.01")
    settings.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def config(config_dir: Path):  # noqa: ANN201
    return load_config(config_dir)


@pytest.fixture
def store():  # noqa: ANN201
    with Store(":memory:") as s:
        yield s


@pytest.fixture
def cli(config_dir: Path):  # noqa: ANN201
    """Invoke the CLI with the test configuration: ``cli("calls", "--format", "json")``."""
    runner = CliRunner()

    def invoke(*args: str, lang: str | None = None):  # noqa: ANN202
        base = ["--config", str(config_dir)]
        if lang:
            base += ["--lang", lang]
        return runner.invoke(app, [*base, *args], catch_exceptions=False)
    return invoke
