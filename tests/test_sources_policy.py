"""The sources the policy needs: MUCF, Tillväxtverket, Interreg Central Baltic, Svenska
institutet, each as a generic kind in the shipped sources.toml, on the replay."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from monitor.app import load_config
from monitor.sources import registry
from tests.conftest import REPLAY
from tests.source_helpers import SE

STHLM = ZoneInfo("Europe/Stockholm")
NEW = ("mucf", "tillvaxtverket", "interreg-central-baltic", "svenska-institutet")


@pytest.fixture
def replayed(cli) -> dict[str, list[dict]]:  # noqa: ANN001
    args = [a for name in NEW for a in ("--source", name)]
    result = cli("poll", "--replay", str(REPLAY), *args)
    assert result.exit_code == 0, result.output
    rows = json.loads(cli("calls", "--all", "--format", "json").stdout)
    out: dict[str, list[dict]] = {name: [] for name in NEW}
    for row in rows:
        out.setdefault(row["source"], []).append(row)
    return out


def local(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(STHLM)


def test_sources_list_shows_the_four_new_sources(cli):
    rows = {r["name"]: r for r in json.loads(cli("sources", "list", "--format",
                                                  "json").stdout)}
    assert {rows[n]["kind"] for n in NEW} == {"page", "html", "rss"}
    assert all(rows[n]["enabled"] for n in NEW)
    table = cli("sources", "list").stdout
    assert all(name in table for name in NEW)


def test_tillvaxtverket_genuine_pages(replayed):
    """The two call pages are genuine text (constructed wrapper); the Stockholm one is
    constructed."""
    calls = {r["title"]: r for r in replayed["tillvaxtverket"]}
    skane = calls["Stärk företags kompetensförsörjning och främja entreprenörskap"]
    # The page's status line "Stängd 19 mars 2024": closed, that day is the last deadline.
    assert local(skane["deadlines"][-1]).date().isoformat() == "2024-03-19"
    assert skane["status"] == "closed" and skane["programme"] == "Regionalfonden"
    assert "Blekinge" in skane["summary"] and "Skåne" in skane["summary"]
    # Its region bullets name another programme area: stored, listed with --all, not eligible.
    assert {"Skåne", "Blekinge"} <= set(skane["regions"]) and skane["eligible"] is False
    assert skane["url"].endswith("starkforetagskompetensforsorjningochframjaentreprenorskap"
                                 ".5700.html")
    norrland = calls["Insatser för att främja cirkulär ekonomi inom Övre Norrland"]
    assert local(norrland["opens"]) == datetime(2024, 8, 12, tzinfo=STHLM)  # "Öppnar 12 augusti 2024"
    assert norrland["deadlines"] == [] and "Norrbotten" in norrland["summary"]
    assert norrland["eligible"] is False
    stockholm = calls["Stärk innovationsförmågan i Stockholmsregionen"]
    assert stockholm["status"] == "forthcoming" and stockholm["eligible"] is True
    assert local(stockholm["opens"]).date().isoformat() == "2027-02-02"
    assert local(stockholm["deadlines"][0]).date().isoformat() == "2027-03-16"


def test_mucf_grant_pages_read_the_application_times(replayed):
    pages = {r["programme"]: r for r in replayed["mucf"]}
    assert set(pages) == {"Erasmus+ Ungdom", "Europeiska solidaritetskåren"}
    youth = pages["Erasmus+ Ungdom"]
    assert youth["title"] == "Ungdomsutbyte" and youth["status"] == "open"
    assert [local(d) for d in youth["deadlines"]] == [datetime(2027, 2, 24, 12, tzinfo=STHLM)]
    solidarity = pages["Europeiska solidaritetskåren"]
    assert [local(d).date().isoformat() for d in solidarity["deadlines"]] == [
        "2027-02-24", "2027-10-01"]


def test_central_baltic_keeps_the_calls_of_its_news(replayed):
    rows = {r["title"]: r for r in replayed["interreg-central-baltic"]}
    assert set(rows) == {"Call for small project proposals opens in January",
                         "Regular projects: second step of the fifth call"}
    small = rows["Call for small project proposals opens in January"]
    assert local(small["opens"]).date().isoformat() == "2027-01-12"
    assert local(small["deadlines"][0]).date().isoformat() == "2027-02-02"
    assert small["status"] == "forthcoming" and small["programme"] == "Interreg Central Baltic"
    assert small["eligible"] is True  # the programme area includes Stockholm County


def test_svenska_institutet_programme_page(replayed):
    [page] = replayed["svenska-institutet"]
    assert page["title"] == "SI Baltic Sea Neighbourhood Programme"
    assert [local(d) for d in page["deadlines"]] == [datetime(2027, 2, 16, 15, tzinfo=STHLM)]


def test_sources_test_reads_a_saved_tillvaxtverket_call_page(cli):
    """The genuine page saved alone, as the IT person would after a redesign."""
    result = cli("sources", "test", "tillvaxtverket", "--file",
                 str(SE / "tillvaxtverket_utlysning_5700.html"), "--format", "json")
    [row] = json.loads(result.stdout)
    assert row["title"] == "Stärk företags kompetensförsörjning och främja entreprenörskap"
    assert any(d["role"] == "deadline" and "Stängd 19 mars 2024" in d["text"]
               and d["when"].startswith("2024-03-19") for d in row["dates"])


def test_new_sources_use_generic_kinds(config_dir):
    config = load_config(config_dir)
    for name in NEW:
        kind = config.source(name).kind
        assert kind in ("rss", "wordpress", "html", "page")
        assert registry.get(kind).kind == kind
