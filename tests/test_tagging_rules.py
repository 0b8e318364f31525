"""Rule mechanisms for the kinds of error seen on genuine items: an actor named once in the
summary, staff-only actions of pupil programmes, acts for state agencies only."""

from __future__ import annotations

from monitor.app import load_config
from monitor.matchers import build_tagger
from monitor.model import Item
from tests.hermetic import edit_file


def tag(config, title: str, summary: str = "", *, kind: str = "call", programme=None,
        language: str = "sv"):  # noqa: ANN001, ANN201
    return build_tagger(config).analyse(Item(source="t", native_id="1", kind=kind, url="u",
                                             title=title, summary=summary,
                                             programme=programme, language=language))


SOCIAL = ("Vägar till arbete för personer långt från arbetsmarknaden",
          "Arbetsträning och vägledning för personer med försörjningsstöd, även personer "
          "med funktionsnedsättning.")


def test_one_summary_word_for_a_second_committee_is_an_actor(config, config_dir):
    analysis = tag(config, *SOCIAL)
    assert list(analysis.committees) == ["san"]
    assert analysis.score("aon") >= 3  # enough points, but from one word of the summary
    edit_file(config_dir / "matching.toml",
              ("secondary_support = true", "secondary_support = false"))
    assert set(tag(load_config(config_dir), *SOCIAL).committees) == {"san", "aon"}


def test_a_second_committee_with_its_own_evidence_stays(config):
    analysis = tag(config, "Välfärdsteknik i hemtjänsten och arbetsträning",
                   "Försörjningsstöd och arbetsmarknad; äldreomsorg och trygghetslarm.")
    assert set(analysis.committees) == {"san", "aon"}


def test_staff_only_title_voids_the_programmes_youth_signal(config):
    visits = tag(config, "Nordplus förberedande besök",
                 "Bidrag för personal som planerar ett projekt inom Nordplus Junior.")
    assert set(visits.committees) >= {"bun"}
    assert list(visits.priorities) == ["verksamhetsutveckling"]
    junior = tag(config, "Nordplus Junior", "Skolor i Norden samarbetar.")
    assert set(junior.priorities) == {"barn-och-unga", "verksamhetsutveckling"}


def test_acts_for_state_agencies_only_are_excluded(config):
    police = tag(config, "Remiss av Polismyndighetens hemställan om ändring i lagen om "
                         "internationellt polisiärt samarbete", kind="legislation")
    assert not police.committees and police.excluded
    kept = tag(config, "Remiss av Polismyndighetens hemställan om samverkan med kommunernas "
                       "socialtjänst kring unga lagöverträdare", kind="legislation")
    assert "san" in kept.committees and not kept.excluded


def test_an_act_naming_municipalities_goes_to_ks_unless_its_title_names_a_theme(config):
    """What the municipality must do (answer for, supervise, pay) is in the title's
    "kommuner", not in a committee's words: KS; a theme in the title decides instead."""
    duty = tag(config, "Remiss av promemorian Kommunal avgift för prövning, Fi2026/00111",
               kind="legislation")
    assert list(duty.committees) == ["ks"] and "omvarldsbevakning" in duty.priorities
    themed = tag(config, "Remiss av SOU 2026:12 Skyfall och översvämning – kommunernas "
                         "ansvar för klimatanpassning", kind="legislation")
    assert list(themed.committees) == ["shn"]
    call = tag(config, "Stöd till kommuner för ökad trygghet", "Kommuner kan söka.")
    assert "ks" not in call.scores or all("act or remiss" not in c.evidence
                                           for c in call.scores["ks"])


def test_the_municipalitys_own_administration_is_ks(config):
    """The elected, records and public access, the alternative to procurement, terms of
    employment, extraordinary events: KS matters a remiss title names without "kommun"."""
    for title in ("Remiss av promemorian Ett starkare skydd för förtroendevalda",
                  "Remiss av SOU 2026:3 En ny arkivlag",
                  "Remiss av betänkandet En förbättrad lag om valfrihetssystem",
                  "Remiss av Ds 2026:9 Sjuklöneansvar och anställningsvillkor",
                  "Remiss av SOU 2026:5 Åtgärder inför och vid extraordinära händelser",
                  "Remiss av promemorian Ändringar i offentlighets- och sekretesslagen",
                  "Remiss av SOU 2026:7 En ny förvaltningslag"):
        assert list(tag(config, title, kind="legislation").committees) == ["ks"], title


def test_the_yearly_nordplus_round_has_pupils_travel_but_a_sub_programmes_round_need_not(config):
    whole = tag(config, "Nordplus application round 2026 is open!",
                "Institutions working with education and training can apply for mobility "
                "and projects.", programme="Nordplus", language="en")
    assert {"bun", "gvn"} <= set(whole.committees)
    assert set(whole.priorities) == {"barn-och-unga", "verksamhetsutveckling"}
    adult = tag(config, "Nordplus Adult – application round 2026",
                "Adult learning organisations can apply.", programme="Nordplus Adult",
                language="en")
    assert list(adult.committees) == ["gvn"] and list(adult.priorities) == [
        "verksamhetsutveckling"]


def test_riksdagens_business_committee_is_a_ks_hint(config):
    item = Item(source="riksdagen", native_id="nu", kind="legislation", url="u",
                title="Regional tillväxtpolitik", language="sv", extra={"organ": "NU"})
    analysis = build_tagger(config).analyse(item)
    assert list(analysis.committees) == ["ks"]
    assert any("organ=NU" in c.evidence for c in analysis.scores["ks"])


def test_the_regional_funds_urban_strand_is_cohesion_policy_and_urban_development(config):
    analysis = tag(config, "EUI-IA-2026 Innovative Actions: call for proposals",
                   "Urban authorities test innovative solutions.",
                   programme="European Urban Initiative", language="en")
    assert set(analysis.committees) == {"ks", "shn"}


def test_what_the_municipality_does_in_planning_and_registers(config):
    """Street costs, development agreements, parking, health protection (SHN); the
    apartment and address registers the municipality keeps (BN)."""
    for title, committee in (("Remiss av promemorian Gatukostnader och exploateringsavtal",
                              "shn"),
                             ("Remiss av förordning om hälsoskydd vid bassängbad", "shn"),
                             ("Remiss av promemorian Ändringar i lagen om lägenhetsregister",
                              "bn")):
        assert list(tag(config, title, kind="legislation").committees) == [committee], title


def test_acts_that_govern_the_services_of_two_committees_reach_both(config):
    """The Social Services Act also governs elderly and disability care; the Education Act
    preschool and compulsory school as well as upper secondary and adult education."""
    for title, committees in (("Remiss av promemorian Ändringar i socialtjänstlagen",
                               {"san", "aon"}),
                              ("Remiss av promemorian Ändringar i skollagen", {"bun", "gvn"})):
        assert set(tag(config, title, kind="legislation").committees) == committees, title
