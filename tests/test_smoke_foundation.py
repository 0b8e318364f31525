"""A first end-to-end check: replayed SEDIA pages reach the store and the CLI."""

import json

from tests.conftest import REPLAY


def test_poll_replay_then_calls_json(cli):
    result = cli("poll", "--replay", str(REPLAY))
    assert result.exit_code == 0, result.output
    # internships and a scholarship: stored, listed with --all (the municipality cannot apply)
    result = cli("calls", "--all", "--status", "open", "--status", "forthcoming",
                 "--format", "json")
    rows = json.loads(result.stdout)
    assert {r["id"] for r in rows} >= {"eu-funding:cascade-11143", "eu-funding:cascade-11265"}
    assert all(r["status"] != "closed" for r in rows)
