"""Every CLI command is documented in the README, with an example."""

from __future__ import annotations

import re

import typer.main

from monitor.cli import app
from tests.conftest import ROOT


def command_paths() -> list[str]:
    group = typer.main.get_command(app)
    paths = []
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            paths += [f"{name} {sub}" for sub in subcommands]
        else:
            paths.append(name)
    return sorted(paths)


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [p for p in command_paths() if not re.search(rf"monitor {re.escape(p)}\b", readme)]
    assert not missing, f"commands not documented in README.md: {missing}"


def test_every_command_has_a_docstring_with_an_example():
    group = typer.main.get_command(app)
    lacking = []
    for name, command in group.commands.items():
        for sub_name, sub in (getattr(command, "commands", None) or {name: command}).items():
            if "Example:" not in (sub.help or ""):
                lacking.append(sub_name)
    assert not lacking, f"commands without 'Example:' in their help: {lacking}"
