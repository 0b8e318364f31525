"""The entry facts a digest shows: why an item is there in plain words, the opening of its
summary, every deadline with what it is for, the amount, who may apply and the region."""

from __future__ import annotations

from monitor.digests.entry_facts import (amount_text, deadline_lines, matched_words, plain_why,
                                         regions_text, summary_opening, who_may_apply)
from monitor.store.rows import StoredItem
from tests.conftest import NOW
from tests.conftest import TZ as STHLM  # the settings' default time zone


def _item(fields: dict) -> StoredItem:
    """A stored item with only these fields (the rest as the store leaves them)."""
    return StoredItem(**{"id": "x", **fields})


def test_plain_why_names_words_and_programme_never_engine_words():
    row = _item({"programme": "Erasmus+ skolutbildning", "tags": [
        {"dimension": "committee", "tag": "bun", "evidence": [
            "programme Erasmus+ school education → bun (+3)",
            'term "skola" in title as "skolutbildning" (+3)',
            'term "förskola" in summary as "förskolor" (+3)', "something new, unquoted"]},
        {"dimension": "priority", "tag": "barn-och-unga",
         "evidence": ["young people and staff across borders → barn-och-unga"]}]})
    text = plain_why(row, ["bun"], "sv", priority_names={"barn-och-unga": "Barn och unga"},
                     committee_names={"bun": "BUN"})
    assert text == ("Matchade: skolutbildning, förskolor · programmet Erasmus+ skolutbildning"
                    " · prioriterat område: Barn och unga")
    english = plain_why(row, ["bun"], "en", priority_names={"barn-och-unga": "Children"},
                        committee_names={})
    assert english.startswith("Matched: skolutbildning, förskolor · the programme ")
    assert matched_words(["unknown shape"]) == ([], [])
    coded = _item({"programme": None, "tags": [{"dimension": "committee", "tag": "bun", "evidence": [
        "code keywords=School education (Schools and learning) → bun (+3)"]}],
        "corrections": [{"add": ["bun"], "text": "Rättad av anna.l: Skolan",
                         "text_en": "Corrected by anna.l: Skolan"}]})
    assert plain_why(coded, ["bun"], "sv", priority_names={}, committee_names={}) == (
        "källans klassning Schools and learning · Rättad av anna.l: Skolan")
    assert plain_why(coded, ["bun"], "en", priority_names={}, committee_names={}).endswith(
        "Corrected by anna.l: Skolan")
    assert plain_why(_item({"tags": []}), ["bun"], "sv", priority_names={}, committee_names={}) == ""


def test_summary_opening_skips_title_heading_and_date_sentences():
    row = _item({"title": "Erasmus+ skolutbildning", "summary":
           "Erasmus+ skolutbildning\n\nFörskolor och skolor kan söka stöd för utbyten. "
           "Sista ansökningsdag för mobilitetsprojekt är 18 februari 2027 kl. 12.00. "
           "Projekten varar två år.",
           "extra": {"dates": [{"role": "deadline", "text": "Sista ansökningsdag för "
                                "mobilitetsprojekt är 18 februari 2027 kl. 12.00."}]}})
    assert summary_opening(row) == ("Förskolor och skolor kan söka stöd för utbyten. "
                                    "Projekten varar två år.")
    long = _item({"title": "x", "summary": "Ord " * 200 + "."})
    assert len(summary_opening(long)) <= 300 and summary_opening(long).endswith("…")


def test_every_deadline_with_what_it_is_for():
    row = _item({"kind": "call", "deadlines": ["2027-02-18T11:00:00+00:00", "2027-03-05T11:00:00+00:00"],
           "extra": {"dates": [
               {"role": "deadline", "when": "2027-02-18T11:00:00+00:00",
                "text": "Sista ansökningsdag för mobilitetsprojekt är 18 februari 2027 kl. 12.00."},
               {"role": "deadline", "when": "2027-03-05T11:00:00+00:00",
                "text": "Sista ansökningsdag för samarbetspartnerskap är 5 mars 2027 kl. 12.00."}]}})
    assert deadline_lines(row, STHLM, "sv", NOW) == [
        "Sista dag för mobilitetsprojekt: 18 februari 2027 kl. 12:00",
        "Sista dag för samarbetspartnerskap: 5 mars 2027 kl. 12:00"]
    two_stage = _item({"kind": "call", "deadlines": ["2027-01-10T16:00:00+00:00",
                                               "2027-05-10T16:00:00+00:00"],
                 "extra": {"deadline_model": "two-stage"}})
    assert deadline_lines(two_stage, STHLM, "en", NOW) == [
        "Deadline for stage 1: 10 January 2027, 17:00",
        "Deadline for stage 2: 10 May 2027, 18:00"]
    remiss = _item({"kind": "legislation", "deadlines": ["2027-01-15T22:59:00+00:00"]})
    assert deadline_lines(remiss, STHLM, "sv", NOW) == ["Sista dag att svara: 15 januari 2027"]


def test_amount_who_may_apply_and_region_when_the_source_gives_them():
    assert amount_text(_item({"extra": {"budget_sek": 40000000}}), "sv") == "40 000 000 kr"
    assert amount_text(_item({"extra": {"budget": "30500"}}), "sv") == "30 500 euro"
    assert amount_text(_item({"extra": {"budget": "EUR 2 million"}}), "sv") == "EUR 2 million"
    assert amount_text(_item({"extra": {}}), "sv") == ""
    assert who_may_apply(_item({"extra": {"eligibility": ["kommuner", "regioner"]}})) == \
        "kommuner, regioner"
    assert who_may_apply(_item({"extra": {"eligibility": {"text": "Offentliga aktörer"}}})) == \
        "Offentliga aktörer"
    assert regions_text(_item({"regions": ["Östersjöregionen"], "extra": {}})) == "Östersjöregionen"
    assert regions_text(_item({"extra": {"regions": ["Norden", "Baltikum"]}})) == "Norden, Baltikum"
    assert regions_text(_item({"extra": {}})) == ""
    # else the summary's own sentence saying it (not a question, not a heading)
    assert who_may_apply(_item({"extra": {}, "summary": "ICLD\n\nVem kan ansöka?\n\nKommuner och "
                                "regioner i Sverige kan ansöka om partnerskap. Mer text."})) == \
        "Kommuner och regioner i Sverige kan ansöka om partnerskap."
    assert who_may_apply(_item({"extra": {}, "summary": "Stöd till forskning."})) == ""
