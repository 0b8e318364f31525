"""What keeps the suite hermetic, and the guard that proves it at the end of every run.

* :func:`clear_environment` removes every ``MONITOR_*`` variable before each test (autouse in
  ``conftest.py``), so no test reads the developer's settings.
* :class:`SessionGuard` is started before the first test. It points the *outer* environment's
  mail variables at a catching SMTP server on loopback and at an outbox and database in a
  temporary folder, and snapshots the checkout. When the session ends the run fails if that
  server received a message, that outbox holds a file, that database exists, or a file of the
  checkout (outside ``.venv/``, ``.git/`` and caches) was created, changed or removed. A test
  that leaks the environment therefore fails the run instead of mailing a department.
* :func:`replaced` and :func:`edit_file` change copied configuration (or a fixture) by text
  replacement and fail when the old text is not there: a changed layout of ``settings.toml``
  must break the test, not quietly run it on the checkout's database.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Folders of the checkout that tools may write: the virtual environment, git, caches.
IGNORED_DIRS = frozenset({".venv", ".git", "__pycache__", ".pytest_cache", ".mypy_cache",
                          ".ruff_cache", ".hypothesis"})
IGNORED_SUFFIXES = (".egg-info",)
#: Read once at import, before any test clears the environment: an explicit request to
#: rewrite golden files (see :func:`check_golden`).
REGEN_GOLDEN = bool(os.environ.get("MONITOR_REGEN_GOLDEN"))

Text = TypeVar("Text", str, bytes)


def clear_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every ``MONITOR_*`` variable for the duration of one test."""
    for name in [n for n in os.environ if n.startswith("MONITOR_")]:
        monkeypatch.delenv(name)


def replaced(text: Text, old: Text, new: Text, count: int = -1) -> Text:
    """``text.replace(old, new, count)`` that fails when ``old`` does not occur."""
    assert old in text, f"the text no longer contains {old!r}: update the test"
    return text.replace(old, new, count)


def edit_file(path: Path, *pairs: tuple[str, str], append: str = "") -> Path:
    """Replace each (old, new) pair in a text file, asserting every old text was there."""
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, f"{path.name} no longer contains {old!r}: update the test"
        text = text.replace(old, new)
    path.write_text(text + append, encoding="utf-8")
    return path


def check_golden(path: Path, actual: str) -> None:
    """Compare with a golden file. With ``MONITOR_REGEN_GOLDEN=1`` the file is rewritten and
    the test fails, so that a regenerated file is always looked at before it is committed."""
    if REGEN_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        pytest.fail(f"{path} rewritten (MONITOR_REGEN_GOLDEN): review the diff, run again "
                    "without the variable", pytrace=False)
    assert path.exists(), f"{path} is missing: create it with MONITOR_REGEN_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs"


def checkout_snapshot(root: Path = ROOT) -> dict[str, tuple[int, int]]:
    """Every file of the checkout outside tools' folders: relative path → (size, mtime)."""
    files: dict[str, tuple[int, int]] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs
                   if d not in IGNORED_DIRS and not d.endswith(IGNORED_SUFFIXES)]
        for name in names:
            path = Path(folder, name)
            try:
                stat = path.lstat()
            except FileNotFoundError:  # removed while walking
                continue
            files[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return files


def snapshot_changes(before: dict[str, tuple[int, int]],
                     after: dict[str, tuple[int, int]]) -> list[str]:
    """Lines naming each created, changed or removed file."""
    lines = [f"created: {p}" for p in sorted(after.keys() - before.keys())]
    lines += [f"changed: {p}" for p in sorted(before.keys() & after.keys())
              if before[p] != after[p]]
    lines += [f"removed: {p}" for p in sorted(before.keys() - after.keys())]
    return lines


@dataclass
class SessionGuard:
    """The outer environment a leaking test would use, and the checks made at the end."""

    root: Path = ROOT
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="monitor-guard-")))
    saved: dict[str, str | None] = field(default_factory=dict)

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        from tests.mailfixtures import Collector, free_port  # late: it imports monitor

        self.folder.mkdir(parents=True, exist_ok=True)
        self.before = checkout_snapshot(self.root)
        self.catcher = Collector()  # any message it keeps is a leak
        self.port = free_port()
        self.controller = Controller(self.catcher, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        trap = {
            "MONITOR_MAIL_TRANSPORT": "smtp",
            "MONITOR_SMTP_HOST": "127.0.0.1",
            "MONITOR_SMTP_PORT": str(self.port),
            "MONITOR_SMTP_SECURITY": "none",
            "MONITOR_OUTBOX": str(self.outbox),
            "MONITOR_DB": str(self.database),
        }
        for name, value in trap.items():
            self.saved[name] = os.environ.get(name)
            os.environ[name] = value

    @property
    def outbox(self) -> Path:
        return self.folder / "outbox"

    @property
    def database(self) -> Path:
        return self.folder / "leaked.db"

    def problems(self) -> list[str]:
        """Everything that shows a test reached the outer environment or the checkout."""
        found = [f"the guard's SMTP server received a message for {', '.join(e.rcpt_tos)}"
                 for e in self.catcher.envelopes]
        if self.outbox.exists():
            found += [f"the guard's outbox holds {p.name}" for p in sorted(self.outbox.iterdir())]
        if self.database.exists():
            found.append(f"a test opened the outer environment's database {self.database}")
        found += [f"checkout {line}" for line in
                  snapshot_changes(self.before, checkout_snapshot(self.root))]
        return found

    def stop(self) -> None:
        self.controller.stop()
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(self.folder, ignore_errors=True)
