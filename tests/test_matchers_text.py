"""The lexicon: Swedish stemming and compounds, English plurals, markers, phrases."""

from __future__ import annotations

import pytest

from monitor.matchers.text import Lexicon, PatternError, looks_swedish, stem_sv, tokenize


def lexicon(*terms: tuple[str, str], owner: str = "terms") -> Lexicon:
    lex = Lexicon(min_part=4)
    for text, lang in terms:
        lex.add(text, lang=lang, owner=owner, payload=text)
    return lex


def found(lex: Lexicon, text: str, *, swedish: bool = True) -> list[tuple[str, str]]:
    """(pattern, words in the text) for every match in a title."""
    return sorted((m.pattern.text, m.text)
                  for m in lex.find({"title": tokenize(text)}, swedish=swedish))


@pytest.mark.parametrize("term, text", [
    ("äldreomsorg", "Välfärdsteknik i äldreomsorgen"),         # definite form
    ("fritidsgård", "Stöd till fritidsgårdar"),                  # plural
    ("förskola", "Kompetenslyft för förskollärare"),             # first part of a compound
    ("förskola", "Barn i förskolan"),                            # -an that Snowball keeps
    ("vuxenutbildning", "Den kommunala vuxenutbildningen"),
    ("omsorg", "Kvalitet i äldreomsorgen"),                      # head of a compound
    ("skola", "Grundskolans lärare"),                            # head, genitive
    ("avfall", "Insamling av förpackningsavfall"),
    ("bygglov", "Fler bygglovsbefriade åtgärder"),               # first part + linking s
])
def test_swedish_terms_match_inflections_and_compound_parts(term, text):
    assert found(lexicon((term, "sv")), text), f"{term!r} should match {text!r}"


@pytest.mark.parametrize("term, text", [
    ("skola", "Högskolan i Stockholm"),       # blocked by the ignored longer word
    ("vatten", "Vattenfall bygger ut"),       # the company is listed as its own word
    ("unga", "ungefär tio personer"),         # short stems match whole words only
    ("=konst", "konstruktion av broar"),      # exact: no compound
    ("omsorg", "somsorg"),                    # head needs three letters before it
])
def test_swedish_compounds_avoid_false_hits(term, text):
    lex = lexicon((term, "sv"), ("högskola", "sv"), ("vattenfall", "sv"))
    assert term not in [p for p, _ in found(lex, text)]


def test_an_inflection_with_a_vowel_change_is_the_whole_word_not_a_compound():
    # "gruppbostäder" is the plural of "gruppbostad": its head "bostäder" is no separate
    # housing term inside it, and neither is the first part "gruppbost" + "äd"
    lex = lexicon(("gruppbostad", "sv"), ("bostäder", "sv"))
    assert found(lex, "Nya gruppbostäder") == [("gruppbostad", "gruppbostäder")]
    assert found(lex, "Lägenheter i gruppbostadsområdet") == [
        ("gruppbostad", "gruppbostadsområdet")]  # a real compound still matches by its part


def test_compound_parts_only_in_swedish_text():
    lex = lexicon(("omsorg", "sv"))
    assert found(lex, "äldreomsorgen", swedish=True)
    assert not found(lex, "äldreomsorgen", swedish=False)
    assert found(lex, "omsorgen", swedish=False)  # the word itself matches in any text


def test_the_longest_match_wins_within_an_owner():
    lex = lexicon(("skola", "sv"), ("gymnasieskola", "sv"), ("environment", "en"),
                  ("work environment", "en"))
    assert found(lex, "gymnasieskolan") == [("gymnasieskola", "gymnasieskolan")]
    assert found(lex, "a healthy work environment", swedish=False) == [
        ("work environment", "work environment")]


def test_other_owners_are_not_suppressed():
    lex = lexicon(("skola", "sv"))
    lex.add("gymnasieskola", lang="sv", owner="programme", payload=None)
    assert len(found(lex, "gymnasieskolan")) == 2


def test_english_matches_singular_and_plural_only():
    lex = lexicon(("city", "en"), ("employer", "en"), ("service", "en"))
    assert found(lex, "Cities and services", swedish=False) == [
        ("city", "cities"), ("service", "services")]
    assert not found(lex, "employment and employability", swedish=False)


def test_prefix_marker_and_codes():
    lex = lexicon(("cyber*", "en"), ("ka1* sch", "any"))
    assert found(lex, "Cyberattacks on KA121-SCH schools", swedish=False) == [
        ("cyber*", "cyberattacks"), ("ka1* sch", "ka121 sch")]


def test_phrases_ignore_hyphens_and_case():
    lex = lexicon(("plan- och bygglagen", "sv"), ("särskilt boende", "sv"))
    assert found(lex, "Ändringar i Plan- och bygglagen") == [
        ("plan- och bygglagen", "plan och bygglagen")]
    assert not found(lex, "boende särskilt")


def test_suspended_compound_borrows_the_later_head():
    lex = lexicon(("grundskola", "sv"), ("gymnasieskola", "sv"))
    assert [p for p, _ in found(lex, "lärare i grund- och gymnasieskolan")] == [
        "grundskola", "gymnasieskola"]


def test_stemming_handles_definite_forms_snowball_leaves():
    assert stem_sv("skolan") == stem_sv("skola") == stem_sv("skolor")
    assert stem_sv("boendet") == stem_sv("boende")


def test_a_pattern_without_a_word_is_refused():
    with pytest.raises(PatternError):
        Lexicon().add("*", lang="sv", owner="x", payload=None)
    with pytest.raises(PatternError):
        Lexicon().add("a*", lang="en", owner="x", payload=None)


def test_language_guess():
    assert looks_swedish(tokenize("Stöd till kommuner som vill utveckla och pröva"))
    assert not looks_swedish(tokenize("Support for municipalities that want to develop"))
