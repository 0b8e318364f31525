"""The command line loads each command's module only when that command runs.

``monitor --help`` lists every command from the table in :mod:`monitor.cli` (so the table
must say what the commands themselves say), a read command's process does not import the
pollers, the scheduler, the mail templates or the tagger, and a command run in a fresh
process finds every message it prints (no message left registered by a module only some
other command imports).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from monitor.app import open_store
from monitor.cli import COMMANDS, app, every_command
from tests.conftest import ROOT

PACKAGE = ROOT / "monitor"


def _first_paragraph(text: str | None) -> str:
    return " ".join((text or "").split("\n\n")[0].split())


def test_the_table_names_every_command_where_it_lives_with_its_own_help():
    group = every_command()
    assert list(group.commands) == list(COMMANDS)
    for name, entry in COMMANDS.items():
        command = group.commands[name]
        if getattr(command, "commands", None):  # a group (sources, mail): its Typer's help
            assert entry.help == _first_paragraph(command.help), name
            continue
        assert command.callback.__module__ == f"monitor.cli.{entry.module}", name
        assert command.callback.__name__ == entry.function, name
        assert entry.help == _first_paragraph(command.help), name


def test_every_command_module_is_in_the_table():
    """A new command module needs its line in COMMANDS, or no command of it can be run."""
    tabled = {entry.module for entry in COMMANDS.values()}
    commands = set()
    for path in (PACKAGE / "cli").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "command":
                commands.add(path.stem)  # a Typer group's @x.command(...)
            if isinstance(node, ast.FunctionDef) and any(
                    getattr(d, "id", "") == "cli_errors" for d in node.decorator_list):
                commands.add(path.stem)
    assert commands and commands <= tabled, sorted(commands - tabled)


def _help(group) -> str:  # noqa: ANN001 - the Click group
    with group.make_context("monitor", ["--help"], resilient_parsing=True) as ctx:
        return group.get_help(ctx)


def test_help_lists_every_command_as_the_commands_themselves_would():
    runner = CliRunner()
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"\n  {name} " in result.output, name
    lazy = typer.main.get_command(app)  # nothing loaded yet
    listed = _help(lazy)
    assert lazy.commands == {}  # the listing loaded no command
    assert listed == _help(every_command())


def _run_fresh(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                         "MONITOR_NOW": "2026-11-22T08:00:00+00:00"},
                          timeout=120)


# Run a command in this process (as `monitor ARGS` would) and print the modules it imported.
PROBE = """
import json, sys
from monitor.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print("MODULES=" + json.dumps(sorted(sys.modules)))
"""

# What a command that only reads must not import (issue 15, point 8).
HEAVY = ("monitor.sources", "monitor.matchers.tagger", "monitor.pipeline.ingest",
         "monitor.pipeline.serve", "apscheduler", "jinja2", "httpx", "bs4",
         "feedparser", "dateparser", "lxml", "icalendar", "monitor.http.fetch",
         "monitor.mail.channels.smtp", "sqlite_utils")


def _imported(*args: str) -> set[str]:
    out = _run_fresh(PROBE, *args)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES=")))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


@pytest.mark.parametrize("command", [("calls", "--limit", "50"), ("legislation",),
                                     ("show", "nothing:here")])
def test_a_read_command_imports_no_poller_scheduler_template_or_tagger(config_dir, tmp_path,
                                                                       command):
    db = tmp_path / "monitor.db"
    open_store(db).close()
    modules = _imported("--config", str(config_dir), "--db", str(db), *command)
    assert f"monitor.cli.{COMMANDS[command[0]].module}" in modules  # it did run
    assert _heavy(modules) == []
    assert not any(m.startswith("monitor.cli.") and m.removeprefix("monitor.cli.")
                   in {"polling", "serve_cmd", "tagging", "web_cmd"} for m in modules)


def test_the_probe_sees_a_command_that_polls(config_dir, tmp_path):
    """The same probe on ``monitor sources list`` (it reads every [[source]] block against
    its kind) does see the source classes: the read commands' test can fail."""
    modules = _imported("--config", str(config_dir), "sources", "list")
    assert "monitor.sources" in _heavy(modules)


# Import one command's module in a fresh process; every message key its code names
# literally (t("key", ...)) in any monitor module then loaded must be registered.
MESSAGES = """
import ast, json, sys
from pathlib import Path
from monitor.cli import implementation
for name in sys.argv[1:]:
    implementation(name)
from monitor.text.i18n import MESSAGES
missing = []
for module in sorted(m for m in sys.modules if m.startswith("monitor")):
    path = getattr(sys.modules[module], "__file__", None)
    if not path:
        continue
    for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "t" and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str) and node.args[0].value not in MESSAGES):
            missing.append(f"{module}:{node.lineno} {node.args[0].value}")
print(json.dumps(missing))
"""


@pytest.mark.parametrize("module", sorted({entry.module for entry in COMMANDS.values()}))
def test_a_command_run_alone_finds_every_message_it_prints(module):
    names = [name for name, entry in COMMANDS.items() if entry.module == module]
    out = _run_fresh(MESSAGES, *names)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [], f"messages not registered when only {module} runs"

