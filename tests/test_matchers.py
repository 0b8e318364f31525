"""Each matcher on a small rules file: terms, programme hints, exclusions, priorities."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from monitor.matchers.tagger import Tagger, load_matching
from monitor.model import Item
from tests.conftest import ROOT
from tests.hermetic import replaced

RULES = """
[scoring]
threshold = 3.0
relative_cut = 0.25
[scoring.weights]
strong = 3.0
medium = 2.0
weak = 1.0
[scoring.fields]
title = 1.5
summary = 1.0
programme = 1.0

[terms.ignore]
sv = ["högskola"]

[terms.aon]
sv.strong = ["äldreomsorg", "hemtjänst"]
en.strong = ["elderly care"]
en.medium = ["older people"]

[terms.bun]
sv.strong = ["förskola"]
sv.medium = ["skola"]
en.medium = ["schools"]
en.weak = ["children"]

[terms.kfn]
sv.strong = ["ungdomsutbyte"]
en.strong = ["youth exchange", "youth workers"]

[terms.san]
en.strong = ["domestic violence", "social services"]

[terms.ks]
en.medium = ["democracy"]

[[programme]]
name = "Nordplus Junior"
match = ["nordplus junior"]
committees = { bun = 4, gvn = 4 }
youth = "with-staff"

[[programme]]
name = "CERV town twinning"
match = ["town twinning", "citizens town tt"]
committees = { ks = 5 }

[[programme]]
name = "ICLD"
match = ["icld"]
fields = ["programme"]
committees = { ks = 5 }

[[programme]]
name = "Interreg"
match = ["interreg"]
committees = { ks = 3 }
fallback = true

[[exclude]]
name = "research-only funding"
match = ["researchers", "forskare"]
unless = ["municipalities"]

[[exclude]]
name = "fisheries"
match = ["fishing opportunities"]
fields = ["title"]

[priority]
call = "verksamhetsutveckling"
legislation = "omvarldsbevakning"
youth = "barn-och-unga"
[priority.own]
en = ["youth exchange"]
sv = ["ungdomsutbyte"]
[priority.with-staff]
en = ["pupil mobility"]
[priority.staff]
en = ["mobility of youth workers"]
"""


def make_tagger(tmp_path: Path, text: str = RULES) -> Tagger:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    for name in ("committees.toml", "priorities.toml"):
        shutil.copy(ROOT / "config" / name, folder / name)
    (folder / "matching.toml").write_text(text, encoding="utf-8")
    tagger = load_matching(folder)
    assert tagger is not None
    return tagger


@pytest.fixture
def tagger(tmp_path: Path) -> Tagger:
    return make_tagger(tmp_path)


def item(title: str, summary: str = "", *, kind: str = "call", programme: str = "",
         language: str | None = None) -> Item:
    return Item(source="test", native_id=title[:20], kind=kind, title=title, url="",
                summary=summary, programme=programme or None, language=language)


def tags(tagger: Tagger, it: Item) -> dict[str, tuple[str, ...]]:
    return {t.tag: t.evidence for t in tagger.tag(it)}


def test_swedish_compound_term_tags_its_committee_with_evidence(tagger):
    result = tags(tagger, item("Välfärdsteknik i äldreomsorgen", language="sv"))
    assert set(result) == {"aon", "verksamhetsutveckling"}
    assert result["aon"] == ('term "äldreomsorg" in title as "äldreomsorgen" (+4.5)',)


def test_english_term_in_summary_counts_less_than_in_title(tagger):
    summary_only = tagger.tag(item("Call 2026", "Quality of elderly care", language="en"))
    in_title = tagger.tag(item("Elderly care", language="en"))
    assert summary_only[0].score == 3.0 and in_title[0].score == 4.5


def test_a_term_counts_once_and_weak_terms_need_company(tagger):
    once = tagger.tag(item("Older people", "older people and older people", language="en"))
    assert [t.tag for t in once] == ["aon", "verksamhetsutveckling"]
    assert once[0].score == 3.0  # medium 2 × title 1.5, not added again for the summary
    assert not tagger.tag(item("Children", language="en"))  # weak 1.5 < threshold 3


def test_relative_cut_drops_a_committee_mentioned_in_passing(tmp_path):
    it = item("Domestic violence", "Social services and schools support the children",
              language="en")  # san 4.5 + 3 = 7.5; bun 2 + 1 = 3, 40 % of san's
    for cut, expected in ((0.25, ["bun", "san"]), (0.5, ["san"])):
        tagger = make_tagger(tmp_path, replaced(RULES, "relative_cut = 0.25",
                                                      f"relative_cut = {cut}"))
        committees = [t.tag for t in tagger.tag(it) if t.dimension == "committee"]
        assert committees == expected, cut


def test_programme_hint_gives_points_and_names_the_programme(tagger):
    result = tags(tagger, item("Mobility and projects", programme="Nordplus Junior"))
    assert set(result) >= {"bun", "gvn"}
    assert "programme Nordplus Junior → bun (+4)" in result["bun"]


def test_programme_hint_in_a_call_code(tagger):
    result = tags(tagger, item("CERV-2026-CITIZENS-TOWN-TT Town-twinning", language="en"))
    assert "ks" in result
    assert result["ks"] == ("programme CERV town twinning → ks (+5)",)  # counted once


def test_programme_hint_looks_only_in_its_fields(tagger):
    assert "ks" in tags(tagger, item("Partnerskap", programme="ICLD"))
    assert "ks" not in tags(tagger, item("ICLD partnerskap", language="sv"))


def test_fallback_hint_counts_only_when_no_committee_is_tagged_otherwise(tagger):
    no_theme = tags(tagger, item("Call for small projects", programme="Interreg"))
    assert set(no_theme) == {"ks", "verksamhetsutveckling"}
    assert no_theme["ks"] == ("programme Interreg → ks (+3, fallback)",)
    themed = tagger.analyse(item("Elderly care across borders", programme="Interreg",
                                 language="en"))
    assert list(themed.committees) == ["aon"]
    assert "ks" not in themed.scores and themed.fallback["ks"]  # kept aside, unused


def test_fallback_hint_counts_beside_themes_named_only_in_the_text(tagger):
    """The programme's own round across its priorities (no theme in the title) goes to the
    committee that coordinates such cooperation as well as to the themes of its text."""
    analysis = tagger.analyse(item("New funding: open calls for project applications",
                                   "Calls in all priorities, among them elderly care.",
                                   programme="Interreg", language="en"))
    assert list(analysis.committees) == ["ks", "aon"]


def test_a_hint_only_for_its_kinds_of_item(tmp_path):
    tagger = make_tagger(tmp_path, RULES + """
[[programme]]
name = "municipalities named in the title"
match = ["=kommuner"]
fields = ["title"]
kinds = ["legislation"]
committees = { ks = 3 }
""")
    title = "Nya uppgifter för kommuner"
    assert list(tagger.analyse(item(title, kind="legislation", language="sv")).committees) \
        == ["ks"]
    assert not tagger.analyse(item(title, language="sv")).committees  # a call: not this hint


def test_a_hint_with_an_unknown_kind_names_its_key(tmp_path):
    from monitor.errors import ConfigError
    with pytest.raises(ConfigError) as caught:
        make_tagger(tmp_path, RULES.replace('fallback = true', 'fallback = true\nkinds = ["law"]'))
    assert "programme[4].kinds" in str(caught.value) and "'law'" in str(caught.value)


def test_fallback_hint_does_not_lift_an_excluded_item(tagger):
    it = item("Researchers across borders", programme="Interreg", language="en")
    assert tagger.tag(it) == []


def test_exclusion_keeps_research_away_from_every_committee(tagger):
    it = item("Elderly care research", "Researchers study home care", language="en")
    assert tagger.tag(it) == []
    analysis = tagger.analyse(it)
    assert analysis.excluded == [
        'excluded as research-only funding: "researchers" in summary']
    assert analysis.scores["aon"]  # the terms were found; the exclusion overrules them


def test_exclusion_unless_keeps_items_municipalities_take_part_in(tagger):
    it = item("Elderly care research", "Researchers and municipalities", language="en")
    assert "aon" in tags(tagger, it)


def test_exclusion_only_in_its_fields(tagger):
    title = item("Fishing opportunities and elderly care", kind="legislation", language="en")
    summary = item("Elderly care", "not about fishing opportunities", language="en")
    assert tagger.tag(title) == []
    assert "aon" in tags(tagger, summary)


def test_relevant_legislation_is_horizon_scanning(tagger):
    result = tags(tagger, item("Directive on domestic violence", kind="legislation",
                               language="en"))
    assert set(result) == {"san", "omvarldsbevakning"}


def test_young_peoples_own_exchange_is_youth_alone(tagger):
    result = tags(tagger, item("Youth exchange", "Prepared with youth workers",
                               language="en"))
    assert set(result) == {"kfn", "barn-och-unga"}
    assert "alone" in result["barn-och-unga"][0]


def test_own_exchange_with_staff_mobility_gets_both(tagger):
    result = tags(tagger, item("Youth exchange and mobility of youth workers",
                               language="en"))
    assert set(result) == {"kfn", "barn-och-unga", "verksamhetsutveckling"}


def test_pupils_with_staff_get_both(tagger):
    result = tags(tagger, item("Schools: pupil mobility", language="en"))
    assert set(result) == {"bun", "barn-och-unga", "verksamhetsutveckling"}
    hint = tags(tagger, item("Projects", programme="Nordplus Junior"))
    assert {"barn-och-unga", "verksamhetsutveckling"} <= set(hint)


def test_youth_signal_without_a_committee_gives_no_priority(tagger):
    assert tagger.tag(item("Pupil mobility", language="en")) == []


def test_no_committee_no_priority(tagger):
    assert tagger.tag(item("Motion om jaktvårdsavgiften", kind="legislation")) == []


def test_every_tag_carries_evidence_and_a_score(tagger):
    items = [item("Ungdomsutbyte i hemtjänsten och förskolan", language="sv"),
             item("Town twinning", kind="legislation", language="en"),
             item("Schools: pupil mobility", programme="Nordplus Junior")]
    all_tags = [t for it in items for t in tagger.tag(it)]
    assert len(all_tags) >= 9
    for t in all_tags:
        assert t.evidence and all(isinstance(e, str) and e for e in t.evidence), t
        assert t.score > 0 and t.matcher


def test_language_unknown_is_guessed_for_compounds(tagger):
    assert "aon" in tags(tagger, item("Stöd till kommuner för äldreomsorgen"))
