"""The eligibility step: can the municipality apply at all? Region, consortium, individuals,
research organisations; stored, shown, listed with --all only, never in a digest."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.app import load_config, open_store
from monitor.config.settings import database_path
from monitor.digests.build import Period, build_digest
from monitor.digests.subscriptions import Subscription
from monitor.matchers import build_tagger
from monitor.model import Item
from monitor.pipeline.ingest import tag_items
from monitor.store.database import Store
from tests.conftest import FIXTURES, NOW
from tests.hermetic import edit_file

REAL = FIXTURES / "tagging" / "genuine"


def real_text(name: str) -> tuple[str, str]:
    """(title, body) of a genuine text copy: the first line is the page's heading."""
    title, _, body = (REAL / name).read_text(encoding="utf-8").partition("\n")
    return title.strip(), " ".join(body.split())


def call(native_id: str, title: str, summary: str = "", programme: str | None = None,
         source: str = "tillvaxtverket", **extra: object) -> Item:
    return Item(source=source, native_id=native_id, kind="call", title=title, url="u",
                summary=summary, programme=programme, language="sv" if source != "eu" else "en",
                deadlines=[NOW + timedelta(days=20)], extra=dict(extra))


def judged(config, item: Item):  # noqa: ANN001, ANN201
    analysis = build_tagger(config).analyse(item)
    return analysis, analysis.eligibility


def test_a_regional_call_for_another_area_is_not_eligible(config):
    title, body = real_text("tillvaxtverket_7085_cirkular-ekonomi-ovre-norrland.text.txt")
    analysis, result = judged(config, call("7085", title, body, "Regionalfonden"))
    assert result.eligible is False and analysis.committees == {} and not analysis.priorities
    assert result.regions == ["Övre Norrland", "Norrbotten", "Västerbotten"]
    assert result.reason["sv"] == ("utlysningen gäller Övre Norrland, Norrbotten, Västerbotten, "
                                   "inte Stockholm")
    # the same words without the area would reach a committee
    plain, _ = judged(config, call("x", "Insatser för att främja cirkulär ekonomi",
                                   "Omställning till cirkulär ekonomi, mindre avfall.",
                                   "Regionalfonden"))
    assert "shn" in plain.committees


def test_own_area_and_national_calls_are_eligible(config):
    title, body = real_text("esf_nyheter_kommande-utlysningar-stockholm.text.txt")
    analysis, result = judged(config, call("s", title, body, "ESF+", source="esf"))
    assert result.eligible is True and result.regions == ["Stockholm"]
    assert analysis.committees  # tagged as usual
    _, national = judged(config, call("n", "Nationell utlysning: kompetensförsörjning i välfärden",
                                      "Kommuner och regioner i hela landet kan söka.", "ESF+",
                                      source="esf"))
    assert national.eligible is True and national.regions == []
    _, unknown = judged(config, call("u", "ESF+: kompetensutveckling i offentlig sektor",
                                     "Kommuner kan söka.", "ESF+", source="esf"))
    assert unknown.eligible is None  # a regional programme that names no area
    _, eu = judged(config, call("e", "Town twinning", "Municipalities may apply.", "CERV",
                                source="eu"))
    assert eu.eligible is True


def test_a_regional_call_for_the_own_area_is_also_cohesion_policy(config, config_dir: Path):
    """ESF+ for Stockholm: KS (regional development, cohesion policy) beside the theme's
    committee; a national programme area (Interreg Baltic Sea Region) gives no such points."""
    title, body = real_text("esf_nyheter_kommande-utlysningar-stockholm.text.txt")
    analysis, _ = judged(config, call("s", title, body, "ESF+", source="esf"))
    assert set(analysis.committees) == {"ks", "san"}
    assert any("regional programme for Stockholm (own area) → ks (+3)" in c.evidence
               for c in analysis.scores["ks"])
    bsr, _ = judged(config, call("b", "Small projects call: water-smart societies",
                                 "Wastewater and stormwater in the Baltic Sea region.",
                                 "Interreg Baltic Sea Region", source="eu"))
    assert list(bsr.committees) == ["shn"]
    # the same call from another municipality's region: refused, no committee at all
    edit_file(config_dir / "settings.toml", ('region = "Stockholm"', 'region = "Skåne"'))
    refused, result = judged(load_config(config_dir), call("s", title, body, "ESF+",
                                                           source="esf"))
    assert result.eligible is False and not refused.committees


def test_the_city_names_the_area_only_in_a_title(config):
    analysis, result = judged(config, call("r", "Regionalfonden Stockholm: stärkt innovation",
                                           "Kommuner och regioner kan söka.", "Regionalfonden"))
    assert result.eligible is True and result.regions == ["Stockholm"]
    assert "ks" in analysis.committees
    _, other = judged(config, call("o", "Regionalfonden Östra Mellansverige: innovation",
                                   "Frågor besvaras av kontoret i Stockholm.",
                                   "Regionalfonden"))
    assert other.eligible is False and other.regions == ["Östra Mellansverige"]


def test_the_region_setting_decides(config_dir: Path):
    edit_file(config_dir / "settings.toml", ('region = "Stockholm"', 'region = "Västerbotten"'))
    title, body = real_text("tillvaxtverket_7085_cirkular-ekonomi-ovre-norrland.text.txt")
    analysis, result = judged(load_config(config_dir), call("7085", title, body))
    assert result.eligible is True and "shn" in analysis.committees
    title, body = real_text("esf_nyheter_kommande-utlysningar-stockholm.text.txt")
    _, stockholm = judged(load_config(config_dir), call("s", title, body, "ESF+"))
    assert stockholm.eligible is False and "inte Västerbotten" in stockholm.reason["sv"]


def test_a_bad_municipality_section_names_file_and_key(config_dir: Path):
    from monitor.errors import ConfigError
    edit_file(config_dir / "settings.toml", ('region = "Stockholm"', "region = 7"))
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    assert caught.value.key == "municipality.region" and "settings.toml" in str(caught.value)


@pytest.mark.parametrize("title, summary, extra, rule", [
    ("ERASMUS-2026-PCOOP-SGA Specific Grant Agreements under the Framework Partnership "
     "for European networks of municipalities",
     "Only the partners of the framework partnership agreement may apply.", {},
     "consortium only"),
    ("UPC-GREENCHIPS-EDU Scholarship", "", {}, "individuals only"),
    ("Smart solutions for urban heat in cities and local communities",
     "Projects develop models of urban climate.",
     {"types_of_action": ["HORIZON Research and Innovation Actions"]},
     "research organisations only"),
])
def test_who_may_apply(config, title, summary, extra, rule):
    analysis, result = judged(config, call("t", title, summary, "Horizon Europe", source="eu",
                                           **extra))
    assert result.eligible is False and result.rule == rule and not analysis.committees
    assert result.reason["sv"] and result.reason["en"] and result.evidence


def test_research_actions_open_to_public_authorities_stay(config):
    analysis, result = judged(config, call(
        "m", "Preparedness of local communities for disasters and crises",
        "Consortia including municipal authorities as end-users test tools for crisis "
        "communication.", "Horizon Europe", source="eu",
        types_of_action=["HORIZON Research and Innovation Actions"]))
    assert result.eligible is True and "ks" in analysis.committees


def test_legislation_is_not_judged(config):
    item = Item(source="riksdagen", native_id="l", kind="legislation",
                title="Ny lag om räddningstjänst i Skåne", url="u", language="sv")
    analysis, result = judged(config, item)
    assert result.eligible is None and result.regions == ["Skåne"] and analysis.committees


def _stored(config, items: list[Item]) -> Store:  # noqa: ANN001
    store = open_store(database_path(config))
    store.upsert_items(items, now=NOW - timedelta(hours=1))
    tag_items(store, build_tagger(config), items, NOW - timedelta(hours=1))
    return store


def test_stored_listed_with_all_shown_with_reason_and_never_mailed(config, cli):
    title, body = real_text("tillvaxtverket_7085_cirkular-ekonomi-ovre-norrland.text.txt")
    other = call("7085", title, body, "Regionalfonden")
    own = call("48211", "Framtidens kompetens i Stockholms län",
               "Kommuner i Stockholms län kan söka stöd för kompetensutveckling av personal "
               "inom äldreomsorgen.", "ESF+", source="esf")
    with _stored(config, [other, own]) as store:
        period = Period.containing(NOW, "weekly", config.settings.tz)
        digest = build_digest(config, store, Subscription("all", "samordnare@example.org"),
                              period, since=NOW - timedelta(days=7), until=NOW)
        mailed = {e.item_id for g in digest.groups for s in g.sections for e in s.entries}
    assert mailed == {own.id}
    listed = json.loads(cli("calls", "--format", "json").stdout)
    assert [r["id"] for r in listed] == [own.id]
    assert listed[0]["eligible"] is True and listed[0]["regions"] == ["Stockholm"]
    every = {r["id"]: r for r in json.loads(cli("calls", "--all", "--format", "json").stdout)}
    assert every[other.id]["eligible"] is False and every[other.id]["committees"] == []
    assert every[other.id]["regions"] == ["Övre Norrland", "Norrbotten", "Västerbotten"]
    shown = cli("show", other.id).output
    assert "Ej sökbar för kommunen: utlysningen gäller Övre Norrland" in shown
    assert "Områden: Övre Norrland, Norrbotten, Västerbotten" in shown
    english = cli("show", other.id, lang="en").output
    assert "Not open to the municipality: the call is for Övre Norrland" in english
    assert "Sökbar för kommunen" in cli("show", own.id).output


def test_sources_test_json_has_regions_and_eligible(cli, tmp_path):
    page = tmp_path / "pages.json"
    title, body = real_text("tillvaxtverket_7085_cirkular-ekonomi-ovre-norrland.text.txt")
    page.write_text(json.dumps([{"id": 7085, "date": "2024-08-01T10:00:00",
                                 "link": "https://www.esf.se/utlysningar/7085/",
                                 "title": {"rendered": title},
                                 "content": {"rendered": f"<p>{body}</p>"}}]),
                    encoding="utf-8")
    result = cli("sources", "test", "esf", "--file", str(page), "--format", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["eligible"] is False and "Övre Norrland" in row["regions"]


def test_a_topic_subscription_does_not_mail_a_refused_call(config, cli):
    title, body = real_text("tillvaxtverket_7085_cirkular-ekonomi-ovre-norrland.text.txt")
    other = call("7085", title, body, "Regionalfonden")
    own = call("5", "Cirkulär ekonomi i Stockholms län", "Kommuner kan söka stöd för "
               "cirkulär ekonomi och minskat avfall.", "Regionalfonden")
    with _stored(config, [other, own]) as store:
        period = Period.containing(NOW, "weekly", config.settings.tz)
        sub = Subscription("shn", "miljo@example.org", topics=("cirkulär",))
        digest = build_digest(config, store, sub, period, since=NOW - timedelta(days=7),
                              until=NOW)
        mailed = {e.item_id for g in digest.groups for s in g.sections for e in s.entries}
    assert own.id in mailed and other.id not in mailed
    ics = cli("calendar").stdout
    assert "Stockholms län" in ics and "Övre Norrland" not in ics


def test_an_area_named_in_passing_does_not_refuse_a_national_call(config):
    _, passing = judged(config, call("v", "Innovationer för hållbara och attraktiva kommuner",
                                     "Kommuner kan söka; tidigare projekt i Västra Götaland "
                                     "och Skåne visar vägen.", "Vinnova", source="vinnova"))
    assert passing.eligible is True and passing.regions == ["Västra Götaland", "Skåne"]
    _, esf = judged(config, call("e", "Kompetensutveckling i välfärden",
                                 "Arbetsgivare i Västra Götaland kan söka.", None, source="esf"))
    assert esf.eligible is False  # the source's calls are for programme areas
    _, unknown = judged(config, call("u", "Kompetensutveckling i välfärden", "", None,
                                     source="esf"))
    assert unknown.eligible is None and "source esf" in unknown.evidence[0]
