"""People's corrections: stored with who/when/why, win over the rules, survive retag and new
polls, shown in show and the digest; eval --corrections and suggest-rules."""

from __future__ import annotations

import json
from datetime import timedelta

from monitor.app import load_config, open_store
from monitor.config.settings import database_path
from monitor.digests.build import Period, build_digest
from monitor.digests.subscriptions import Subscription
from monitor.matchers import build_tagger
from monitor.model import Item
from monitor.pipeline.ingest import tag_items
from tests.conftest import NOW, REPLAY

JUNIOR = "nordplus:nordplus-junior-2027-02-01"


def committees(cli, item_id: str) -> list[str]:
    return json.loads(cli("show", item_id, "--format", "json").stdout)["committees"]


def test_a_correction_survives_retag_and_new_polls(cli, config_dir):
    assert cli("poll", "--replay", str(REPLAY)).exit_code == 0
    assert committees(cli, JUNIOR) == ["bun", "gvn"]
    result = cli("correct", JUNIOR, "--add", "kfn", "--remove", "bun", "--reason",
                 "Läsfrämjande hör till kulturen", "--by", "anna.l")
    assert result.exit_code == 0, result.output
    assert "bun, gvn → gvn, kfn" in result.output
    assert "Rättad av anna.l: Läsfrämjande hör till kulturen" in result.output
    assert sorted(committees(cli, JUNIOR)) == ["gvn", "kfn"]
    assert cli("retag").exit_code == 0
    assert sorted(committees(cli, JUNIOR)) == ["gvn", "kfn"]
    assert cli("poll", "--replay", str(REPLAY)).exit_code == 0
    assert sorted(committees(cli, JUNIOR)) == ["gvn", "kfn"]
    config = load_config(config_dir)
    with open_store(database_path(config)) as store:  # the poll of a changed item re-tags it
        row = store.get_item(JUNIOR)
        changed = Item(source="nordplus", native_id=row.native_id, kind="call",
                       title=row.title, url=row.url, summary=row.summary + " Ny text.",
                       programme=row.programme, language=row.language)
        store.upsert_items([changed], now=NOW)
        tag_items(store, build_tagger(config), [changed], NOW)
        tags = {t["tag"]: t for t in store.get_item(JUNIOR).tags
                if t["dimension"] == "committee"}
        assert sorted(tags) == ["gvn", "kfn"]
        assert tags["kfn"]["evidence"] == ["Rättad av anna.l: Läsfrämjande hör till kulturen"]
        # the kfn digest carries the item, and why: the correction
        period = Period.containing(NOW, "weekly", config.settings.tz)
        digest = build_digest(config, store, Subscription("kfn", "kultur@example.org"), period,
                              since=NOW - timedelta(days=7), until=NOW + timedelta(hours=1))
        entries = [e for g in digest.groups for s in g.sections for e in s.entries
                   if e.item_id == JUNIOR]
        assert entries and any("Rättad av anna.l" in w for w in entries[0].why)
        bun = build_digest(config, store, Subscription("bun", "skola@example.org"), period,
                           since=NOW - timedelta(days=7), until=NOW + timedelta(hours=1))
        assert JUNIOR not in {e.item_id for g in bun.groups for s in g.sections
                              for e in s.entries}
    shown = cli("show", JUNIOR).output
    assert "Rättelser" in shown and "Rättad av anna.l (2026-11-22): Läsfrämjande" in shown
    assert "(+kfn, −bun)" in shown
    assert "Corrected by anna.l" in cli("show", JUNIOR, lang="en").output
    data = json.loads(cli("show", JUNIOR, "--format", "json").stdout)
    assert data["corrections"][0]["by"] == "anna.l" and data["corrections"][0]["add"] == ["kfn"]


def test_eval_corrections_and_suggest_rules(cli, config_dir):
    assert cli("poll", "--replay", str(REPLAY)).exit_code == 0
    assert "Reglerna stämmer med alla sparade rättelser." in cli("eval", "--corrections").output
    cli("correct", JUNIOR, "--add", "kfn", "--remove", "bun", "--reason", "Kultur", "--by", "a")
    listed = json.loads(cli("eval", "--corrections", "--format", "json").stdout)
    assert [(d["id"], d["added"], d["removed"]) for d in listed] == [(JUNIOR, ["kfn"], ["bun"])]
    assert "regler: bun, gvn  rättat: gvn, kfn" in cli("eval", "--corrections").output
    before = (config_dir / "matching.toml").read_text(encoding="utf-8")
    diff = cli("suggest-rules")
    assert diff.exit_code == 0, diff.output
    assert diff.stdout.startswith("# ") and "--- a/matching.toml" in diff.stdout
    # bun's term that matched goes out of bun's list; kfn gets the title's distinctive words
    assert '-en.medium = ["school", "schools",' in diff.stdout
    assert '+en.medium = ["schools",' in diff.stdout
    assert '+en.medium = ["nordplus", "junior", "culture",' in diff.stdout
    assert "programme Nordplus Junior → bun (+4)" in diff.stdout  # for a person to look at
    assert (config_dir / "matching.toml").read_text(encoding="utf-8") == before  # nothing written


def test_a_correction_can_make_a_refused_call_eligible(cli, config_dir):
    config = load_config(config_dir)
    item = Item(source="eu-funding", native_id="SGA-1", kind="call", url="u", language="en",
                title="Specific Grant Agreement for the European network of cities",
                summary="Partners of the framework partnership.",
                deadlines=[NOW + timedelta(days=30)])
    with open_store(database_path(config)) as store:
        store.upsert_items([item], now=NOW)
        tag_items(store, build_tagger(config), [item], NOW)
    assert json.loads(cli("calls", "--format", "json").stdout) == []
    assert cli("correct", "SGA-1", "--add", "ks", "--reason", "Vi är partner",
               "--by", "samordnaren").exit_code == 0
    [row] = json.loads(cli("calls", "--format", "json").stdout)
    assert row["committees"] == ["ks"] and row["priorities"] == ["verksamhetsutveckling"]
    assert row["eligible"] is True


def test_correct_refuses_unknown_ids_and_items(cli):
    cli("poll", "--replay", str(REPLAY))
    bad = cli("correct", JUNIOR, "--add", "xyz", "--reason", "r")
    assert bad.exit_code == 2 and "bun" in bad.output
    assert cli("correct", "nothing-here", "--add", "kfn", "--reason", "r").exit_code == 2
    assert cli("correct", JUNIOR, "--reason", "r").exit_code == 2
