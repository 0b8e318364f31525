"""Rule mechanisms for the kinds of error seen on genuine items: an actor named once in the
summary, staff-only actions of pupil programmes, acts for state agencies only."""

from __future__ import annotations

from monitor.config import load_config
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
