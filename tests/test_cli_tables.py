"""Tables that fit 80 columns, and the short handle that stands for an item's long id."""

from __future__ import annotations

import json
import re

import pytest

from monitor.cli import common
from tests.conftest import REPLAY


@pytest.fixture
def polled(cli, monkeypatch):
    """Every shipped source from the replay, shown on an 80-column terminal."""
    assert cli("poll", "--replay", str(REPLAY)).exit_code == 0
    monkeypatch.setattr(common.console, "width", 80)


@pytest.mark.parametrize("command", ["calls", "legislation"])
@pytest.mark.parametrize("lang", [None, "en"])
def test_tables_fit_80_columns_wrapping_titles_never_ids_or_dates(cli, polled, command, lang):
    rows = json.loads(cli(command, "--format", "json").stdout)
    assert len(rows) > 5
    assert max(len(r["id"]) for r in rows) > 80 or command == "calls"  # remiss ids are long
    table = cli(command, lang=lang).output
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 80
    for row in rows:
        handle = re.escape(row["handle"])
        [line] = [line for line in lines if re.match(rf"^{handle}\s", line)]
        if row["deadline"]:  # the local day, whole, on the row's first line
            assert re.search(r"\b\d{4}-\d\d-\d\d\b", line), line
    assert any(len(line.split()) and not re.match(r"^\w{7}\s", line) and line.strip()
               for line in lines[2:])  # some title went on to a second line
    assert ("Titel" if lang is None else "Title") in lines[0] + lines[1]


def test_a_handle_works_wherever_an_id_does(cli, polled):
    remiss = next(r for r in json.loads(cli("legislation", "--format", "json").stdout)
                  if r["source"] == "regeringen-remisser")
    shown = cli("show", remiss["handle"])
    assert shown.exit_code == 0 and " ".join(remiss["title"].split()) in " ".join(
        shown.output.split())
    assert f"Kort id: {remiss['handle']}" in shown.output
    assert json.loads(cli("show", remiss["handle"].upper(), "--format", "json").stdout
                      )["id"] == remiss["id"]
    call = json.loads(cli("calls", "--format", "json").stdout)[0]
    applied = cli("apply", call["handle"], "--committee", "bun", "--format", "json")
    assert applied.exit_code == 0, applied.output
    assert json.loads(applied.stdout)["item"] == call["id"]
    # the handle is the same in every poll and every database: it is derived from the id
    assert cli("poll", "--replay", str(REPLAY)).exit_code == 0
    again = json.loads(cli("calls", "--format", "json").stdout)[0]
    assert again["id"] == call["id"] and again["handle"] == call["handle"]


def test_show_suggests_the_item_meant(cli, polled):
    call = json.loads(cli("calls", "--format", "json").stdout)[0]
    typo = call["id"].split(":", 1)[1][:-1] + "x"  # the source's own id, last letter wrong
    result = cli("show", typo)
    assert result.exit_code == 1
    assert f"Ingen post med id {typo!r}. Menade du {call['handle']}" in result.output
    english = cli("show", call["handle"][:-1] + "9", lang="en")
    assert english.exit_code == 1 and "Did you mean" in english.output
