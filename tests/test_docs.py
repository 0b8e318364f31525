"""Every CLI command is documented in the README, with an example."""

from __future__ import annotations

import re

from monitor.cli import every_command
from tests.conftest import ROOT


def command_paths() -> list[str]:
    group = every_command()
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
    group = every_command()
    lacking = []
    for name, command in group.commands.items():
        for sub_name, sub in (getattr(command, "commands", None) or {name: command}).items():
            if "Example:" not in (sub.help or ""):
                lacking.append(sub_name)
    assert not lacking, f"commands without 'Example:' in their help: {lacking}"


def test_the_user_guide_is_swedish_and_names_only_real_commands_and_options():
    guide = (ROOT / "docs" / "anvandarguide.md").read_text(encoding="utf-8")
    for heading in ("Läs sammanfattningen", "Slå upp en utlysning", "avsikt", "KS",
                    "Årsrapporten"):
        assert heading in guide
    group = every_command()
    blocks = re.findall(r"```sh\n(.*?)```", guide, flags=re.S)
    lines = [line.split("#")[0].strip() for block in blocks
             for line in block.replace("\\\n", " ").splitlines() if line.startswith("monitor ")]
    assert len(lines) >= 20
    for line in lines:
        words = line.split()[1:]
        command = group.commands[words[0]]
        if getattr(command, "commands", None):  # a group: sources, mail
            command = command.commands[words[1]]
        known = {opt for param in command.params for opt in getattr(param, "opts", [])}
        used = {w.split("=")[0] for w in words if w.startswith("-")}
        assert used <= known | {"--help"}, (line, used - known)
