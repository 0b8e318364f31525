"""``monitor subscribe / unsubscribe / subscriptions`` and the default subscriptions."""

from __future__ import annotations

import json

import pytest

from tests.hermetic import edit_file
from tests.mailfixtures import mail_env  # noqa: F401 - fixture


def _subs(cli) -> list[dict]:  # noqa: ANN001
    result = cli("subscriptions", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_committee_has_a_default_subscription(cli):  # noqa: ANN001
    subs = _subs(cli)
    assert [s["committee"] for s in subs] == ["ks", "bun", "gvn", "san", "aon", "kfn", "shn", "bn"]
    assert subs[1] == {"committee": "bun", "email": "barn.utbildning@tyreso.se",
                       "frequency": "weekly", "lang": "sv", "priorities": [], "topics": [],
                       "sources": [], "origin": "default"}


def test_subscribe_adds_a_person_with_topics_and_narrowing(cli):  # noqa: ANN001
    result = cli("subscribe", "ks", "--email", "Anna.Svensson@tyreso.se", "--topic", "Cesis",
                 "--topic", "digitalisering", "--priority", "omvarldsbevakning",
                 "--source", "eu-funding", "--frequency", "daily", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Prenumeration sparad: ks → anna.svensson@tyreso.se (dagligen, en)" in result.output
    added = [s for s in _subs(cli) if s["email"] == "anna.svensson@tyreso.se"]
    assert added == [{"committee": "ks", "email": "anna.svensson@tyreso.se",
                      "frequency": "daily", "lang": "en", "priorities": ["omvarldsbevakning"],
                      "topics": ["Cesis", "digitalisering"], "sources": ["eu-funding"],
                      "origin": "subscribed"}]
    # subscribing the same pair again replaces it
    assert cli("subscribe", "ks", "--email", "anna.svensson@tyreso.se").exit_code == 0
    again = [s for s in _subs(cli) if s["email"] == "anna.svensson@tyreso.se"]
    assert len(again) == 1 and again[0]["topics"] == [] and again[0]["frequency"] == "weekly"


def test_explicit_subscription_replaces_the_default(cli):  # noqa: ANN001
    assert cli("subscribe", "bun", "--email", "barn.utbildning@tyreso.se",
               "--priority", "barn-och-unga").exit_code == 0
    bun = [s for s in _subs(cli) if s["committee"] == "bun"]
    assert len(bun) == 1 and bun[0]["priorities"] == ["barn-och-unga"]
    assert bun[0]["origin"] == "subscribed"


def test_unsubscribe_a_default_keeps_it_off(cli):  # noqa: ANN001
    result = cli("unsubscribe", "bn", "--email", "bygglov@tyreso.se")
    assert result.exit_code == 0 and "Prenumeration borttagen" in result.output
    assert "bn" not in [s["committee"] for s in _subs(cli)]
    missing = cli("unsubscribe", "bn", "--email", "bygglov@tyreso.se")
    assert missing.exit_code == 1 and "prenumererar inte" in missing.output
    assert cli("subscribe", "bn", "--email", "bygglov@tyreso.se").exit_code == 0
    assert "bn" in [s["committee"] for s in _subs(cli)]


def test_unsubscribe_an_added_person(cli):  # noqa: ANN001
    cli("subscribe", "all", "--email", "samordnare@tyreso.se")
    assert cli("unsubscribe", "all", "--email", "SAMORDNARE@tyreso.se").exit_code == 0
    assert "all" not in [s["committee"] for s in _subs(cli)]


def test_default_subscriptions_can_be_switched_off(cli, config_dir):  # noqa: ANN001
    edit_file(config_dir / "settings.toml",
              ("default_subscriptions = true", "default_subscriptions = false"))
    assert _subs(cli) == []
    assert "Inga prenumerationer" in cli("subscriptions").output
    assert "No subscriptions" in cli("subscriptions", lang="en").output


@pytest.mark.parametrize("args,option,valid", [
    (["nope", "--email", "a@tyreso.se"], "COMMITTEE", "ks, bun, gvn, san, aon, kfn, shn, bn, all"),
    (["bun", "--email", "a@tyreso.se", "--priority", "x"], "--priority",
     "verksamhetsutveckling, barn-och-unga, omvarldsbevakning"),
    (["bun", "--email", "a@tyreso.se", "--source", "nosuch"], "--source", "eu-funding"),
    (["bun", "--email", "a@tyreso.se", "--frequency", "monthly"], "--frequency", "weekly, daily"),
    (["bun", "--email", "a@tyreso.se", "--lang", "de"], "--lang", "sv, en"),
])
def test_unknown_values_are_refused_with_the_valid_choices(cli, args, option, valid):  # noqa: ANN001
    result = cli("subscribe", *args)
    assert result.exit_code == 2
    assert f"Fel: {option} '{args[-1] if option != 'COMMITTEE' else 'nope'}': okänt värde." \
        in result.output
    assert f"Giltiga: {valid}" in result.output
    assert len(_subs(cli)) == 8  # nothing was stored


@pytest.mark.parametrize("address", ["anna", "anna@", "anna@tyreso", "a b@tyreso.se",
                                     "a@tyreso.se\nBcc: x@y.se", "<a@tyreso.se>"])
def test_malformed_addresses_are_refused(cli, address):  # noqa: ANN001
    result = cli("subscribe", "bun", "--email", address)
    assert result.exit_code == 2 and "är ingen e-postadress" in result.output
    result = cli("subscribe", "bun", "--email", address, lang="en")
    assert result.exit_code == 2 and "is not a mail address" in result.output


def test_subscriptions_table_and_csv(cli):  # noqa: ANN001
    cli("subscribe", "kfn", "--email", "ung@tyreso.se", "--topic", "ungdomsutbyte")
    table = cli("subscriptions", lang="en")
    assert table.exit_code == 0 and "kfn" in table.output
    csv = cli("subscriptions", "--format", "csv").stdout.splitlines()
    assert csv[0] == "committee,email,frequency,lang,priorities,topics,sources,origin"
    assert "kfn,ung@tyreso.se,weekly,sv,,ungdomsutbyte,,subscribed" in csv


@pytest.mark.parametrize("command", ["subscribe", "unsubscribe", "subscriptions", "digest",
                                     "calendar", "serve"])
def test_mail_commands_are_documented(command: str) -> None:
    from monitor.cli import implementation
    from tests.conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| `monitor {command}` |" in readme and f"### `monitor {command}`" in readme
    assert "Example: monitor " + command in (implementation(command).__doc__ or "")
