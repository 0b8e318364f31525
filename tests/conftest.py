"""Shared fixtures: a pinned clock, a config folder per test, a store, the CLI runner.

The suite is hermetic (see ``tests/hermetic.py``): every ``MONITOR_*`` variable is cleared
before each test, each test runs in its own temporary working directory, the configuration copy
writes its database and outbox under the test's folder, and a session guard fails the run if a
message reached the outer environment's mail settings or a file of the checkout changed.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
from typer.testing import CliRunner

from monitor.app import load_config, open_store
from monitor.cli import app
from monitor.config.settings import Settings
from tests.hermetic import SessionGuard, clear_environment, edit_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REPLAY = FIXTURES / "replay"
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)
TZ = Settings().tz  # the default time zone, which the shipped settings.toml also names


_GUARD = SessionGuard()


def pytest_sessionstart(session: pytest.Session) -> None:
    _GUARD.start()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    problems = _GUARD.problems()
    _GUARD.stop()
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_sep("=", "the suite is not hermetic", red=True, bold=True)
            for line in problems:
                reporter.write_line(line, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No MONITOR_* variable of the developer's, a pinned clock, a working directory of the
    test's own (relative paths never land in the checkout)."""
    clear_environment(monkeypatch)
    monkeypatch.setenv("MONITOR_NOW", NOW.isoformat())
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _registries() -> Iterator[None]:
    """Kinds a test defines (a source, matcher or channel class) are gone after it."""
    from monitor.mail.channels.base import registry as channels
    from monitor.matchers.base import registry as matchers
    from monitor.sources.base import registry as sources

    tables = [getattr(r, "_kinds", r) for r in (sources, matchers, channels)]
    saved = [dict(table) for table in tables]
    yield
    for table, kinds in zip(tables, saved):
        table.clear()
        table.update(kinds)


def copy_config(folder: Path) -> Path:
    """A copy of the shipped configuration in ``folder/config`` whose database and outbox are
    inside ``folder`` (also for a module-scoped fixture, which cannot use ``config_dir``)."""
    target = folder / "config"
    shutil.copytree(ROOT / "config", target)
    edit_file(target / "settings.toml",
              ('database = "../data/monitor.db"',
               f'database = "{(folder / "monitor.db").as_posix()}"'),
              ('outbox = "../data/outbox"', f'outbox = "{(folder / "outbox").as_posix()}"'),
              ("backoff = 1.0", "backoff = 0.01"))
    return target


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A copy of the shipped configuration whose database and outbox are inside tmp_path."""
    return copy_config(tmp_path)


@pytest.fixture
def config(config_dir: Path):  # noqa: ANN201
    return load_config(config_dir)


@pytest.fixture
def store():  # noqa: ANN201
    with open_store(":memory:") as s:
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
