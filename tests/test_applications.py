"""The application register: legal and illegal steps, history, amounts, partners, progress."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from monitor.decisions.applications import (ApplicationError, IllegalStep, advance_application,
                                            get_application, list_applications, parse_amount,
                                            start_application)
from monitor.decisions.meetings import Body, Meetings
from monitor.decisions.progress import applications_in_progress, format_next_step
from tests.conftest import NOW, TZ
from tests.decisions_scenario import COMMITTEES, add_calls, build

ERASMUS = "eu-funding:ERASMUS-2026-KA220-SCH"
NORDPLUS = "nordplus:junior-2027"


@pytest.fixture
def calls(store):
    add_calls(store)
    return store


def start(store, item=NORDPLUS, committee="bun", **kw):
    return start_application(store, item, committee, committees=COMMITTEES, by="anna",
                             **{"now": NOW, "tz": TZ, **kw})


def test_the_whole_path_is_recorded_with_who_when_and_amounts(calls):
    app = start(calls, note="Idé från rektorsgruppen", amount=200_000)
    assert (app.status, app.title, app.committee) == ("intent", "Nordplus Junior 2027", "bun")
    advance_application(calls, app.id, "ks-approved", by="kommunsekreterare", note="KS § 12", now=NOW, tz=TZ)
    advance_application(calls, app.id, "submitted", by="anna", amount=240_000, now=NOW, tz=TZ)
    done = advance_application(calls, app.id, "granted", by="anna", amount=230_000, now=NOW, tz=TZ)
    assert done.status == "granted" and not done.is_open
    assert [e.status for e in done.history] == ["intent", "ks-approved", "submitted", "granted"]
    assert [e.by for e in done.history] == ["anna", "kommunsekreterare", "anna", "anna"]
    assert done.history[1].note == "KS § 12" and done.history[0].at == NOW
    assert (done.amount_applied, done.amount_granted) == (240_000, 230_000)
    assert done.to_json()["history"][2] == {
        "status": "submitted", "at": "2026-11-22T08:00:00+00:00", "by": "anna", "note": "",
        "amount": 240_000, "forced": False, "reason": ""}


def test_submitting_before_ks_approval_quotes_the_policy(calls):
    app = start(calls)
    with pytest.raises(IllegalStep) as caught:
        advance_application(calls, app.id, "submitted", by="anna", now=NOW, tz=TZ)
    assert "kommunstyrelsens godkännande innan den ansöker" in caught.value.message("sv")
    assert "från avsikt till inskickad" in caught.value.message("sv")
    assert "the municipal board's (KS) approval before it applies" in caught.value.message("en")
    assert get_application(calls, app.id).status == "intent"  # nothing written
    assert len(get_application(calls, app.id).history) == 1


@pytest.mark.parametrize(("steps", "target", "rule", "text"), [
    ([], "granted", "appl.rule.needs", "det steget kommer efter inskickad"),
    ([], "rejected", "appl.rule.needs", "Möjliga nästa steg: ks-approved, withdrawn"),
    (["ks-approved"], "ks-approved", "appl.rule.same", "har redan status godkänd av KS"),
    (["ks-approved"], "intent", "appl.rule.intent", "kan inte gå tillbaka till avsikt"),
    (["withdrawn"], "ks-approved", "appl.rule.closed", "är avslutad (återkallad)"),
    (["ks-approved", "submitted", "rejected"], "withdrawn", "appl.rule.closed", "avslutad"),
])
def test_other_illegal_steps_name_their_rule(calls, steps, target, rule, text):
    app = start(calls)
    for status in steps:
        advance_application(calls, app.id, status, by="anna", now=NOW, tz=TZ)
    with pytest.raises(IllegalStep) as caught:
        advance_application(calls, app.id, target, by="anna", now=NOW, tz=TZ)
    assert caught.value.key == rule and text in caught.value.message("sv")


@pytest.mark.parametrize("status", ["intent", "ks-approved", "submitted"])
def test_withdrawn_from_every_open_state(calls, status):
    app = start(calls)
    path = ["ks-approved", "submitted"]
    for step in path[:["intent", "ks-approved", "submitted"].index(status)]:
        advance_application(calls, app.id, step, by="anna", now=NOW, tz=TZ)
    assert advance_application(calls, app.id, "withdrawn", by="anna", now=NOW, tz=TZ).status == "withdrawn"


def test_force_needs_a_reason_and_records_it(calls):
    app = start(calls)
    with pytest.raises(ApplicationError, match="--force needs --reason"):
        advance_application(calls, app.id, "submitted", by="anna", force=True, reason="  ", now=NOW, tz=TZ)
    forced = advance_application(calls, app.id, "submitted", by="anna", force=True,
                                 reason="Brådskande; ordförandebeslut KS 2026-11-20", now=NOW, tz=TZ)
    last = forced.history[-1]
    assert forced.status == "submitted" and last.forced
    assert last.reason == "Brådskande; ordförandebeslut KS 2026-11-20"


def test_one_open_application_per_call_and_committee(calls):
    first = start(calls)
    with pytest.raises(ApplicationError) as caught:
        start(calls)
    assert f"({first.id})" in caught.value.message("sv")
    assert start(calls, committee="gvn").id != first.id  # another committee may apply too
    advance_application(calls, first.id, "withdrawn", by="anna", now=NOW, tz=TZ)
    assert start(calls).status == "intent"  # after withdrawing, a new start is possible


def test_unknown_item_committee_and_application(calls):
    with pytest.raises(ApplicationError) as caught:
        start(calls, item="junior-2072")
    assert "junior-2027" in caught.value.message("sv")  # a close match is suggested
    with pytest.raises(ApplicationError) as caught:
        start(calls, committee="fritid")
    assert "Giltiga: ks, bun, gvn, san, aon, kfn, shn, bn" in caught.value.message("sv")
    assert "Valid: ks, bun" in caught.value.message("en")
    app = start(calls)
    with pytest.raises(ApplicationError) as caught:
        get_application(calls, "99")
    assert f"Existing: {app.id}" in caught.value.message("en")


def test_native_id_is_enough_and_legislation_cannot_be_applied_for(calls):
    from monitor.model import LEGISLATION, Item
    assert start(calls, item="junior-2027").item_id == NORDPLUS
    calls.upsert_items([Item("riksdagen", "sou-2026-1", LEGISLATION, "SOU", "https://x.se")], now=NOW)
    with pytest.raises(ApplicationError, match="not a call"):
        start(calls, item="riksdagen:sou-2026-1")


@pytest.mark.parametrize(("text", "value"), [("450000", 450_000), ("450 000", 450_000),
                                             ("450 000 kr", 450_000), ("1_000", 1000)])
def test_amounts(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["", "4,5", "450000.50", "-3", "mycket"])
def test_bad_amounts(text):
    with pytest.raises(ApplicationError, match="whole kronor"):
        parse_amount(text)


def test_partners_and_countries_accumulate_without_duplicates(calls):
    app = start(calls, partners=["Cēsis"], countries=["lv"])
    app = advance_application(calls, app.id, "ks-approved", by="anna",
                              partners=["Savigny-le-Temple", "Cēsis"], countries=["FR", "LV"], now=NOW, tz=TZ)
    assert app.partners == ["Cēsis", "Savigny-le-Temple"] and app.countries == ["LV", "FR"]
    with pytest.raises(ApplicationError, match="two letters"):
        advance_application(calls, app.id, "submitted", by="anna", countries=["Latvia"], now=NOW, tz=TZ)
    assert get_application(calls, app.id).status == "ks-approved"


def test_backdated_steps_must_keep_order_and_not_be_in_the_future(calls):
    app = start(calls, on=date(2026, 11, 2))
    assert app.created == datetime(2026, 11, 1, 23, 0, tzinfo=timezone.utc)  # Stockholm midnight
    with pytest.raises(ApplicationError, match="before the previous step"):
        advance_application(calls, app.id, "ks-approved", by="a", on=date(2026, 11, 1), now=NOW, tz=TZ)
    with pytest.raises(ApplicationError, match="after today"):
        advance_application(calls, app.id, "ks-approved", by="a", on=date(2026, 11, 23), now=NOW, tz=TZ)
    same_day = advance_application(calls, app.id, "ks-approved", by="a", on=date(2026, 11, 2), now=NOW, tz=TZ)
    assert same_day.history[-1].at >= same_day.history[0].at


def test_list_filters_and_year_is_any_step_in_that_local_year(store):
    build(store)
    assert [a.id for a in list_applications(store, committee="bun", tz=TZ)] == [1, 3]
    assert [a.id for a in list_applications(store, statuses=["withdrawn", "rejected"], tz=TZ)] == [2, 4]
    assert len(list_applications(store, year=2026, tz=TZ)) == 4
    assert list_applications(store, year=2025, tz=TZ) == []
    app = list_applications(store, committee="kfn", tz=TZ)[0]
    assert app.as_of(datetime(2026, 3, 10, tzinfo=timezone.utc)).status == "intent"
    assert app.as_of(datetime(2026, 2, 1, tzinfo=timezone.utc)) is None


CALENDAR = Meetings(bodies={
    "ks": Body("ks", (date(2026, 12, 8), date(2027, 1, 26), date(2027, 2, 23)), 21),
    "bun": Body("bun", (date(2026, 11, 25), date(2027, 1, 13)), 14)})


def test_applications_in_progress_give_the_next_step_and_its_date(calls):
    intent = start(calls, item=NORDPLUS)                       # deadline 2027-02-01 (local)
    approved = start(calls, item="eu-funding:ERASMUS-2026-KA152-YOU")  # next 2027-02-19
    advance_application(calls, approved.id, "ks-approved", by="a", now=NOW, tz=TZ)
    sent = start(calls, item="esf:2027-kompetens")
    advance_application(calls, sent.id, "ks-approved", by="a", now=NOW, tz=TZ)
    advance_application(calls, sent.id, "submitted", by="a", now=NOW, tz=TZ)
    late = start(calls, item=ERASMUS)                          # deadline passed
    closed = start(calls, item="eu-funding:CERV-2026-CITIZENS-TOWN-TT")
    advance_application(calls, closed.id, "withdrawn", by="a", now=NOW, tz=TZ)
    progress = applications_in_progress(calls, "bun", NOW, meetings=CALENDAR)
    # soonest date first (the too-late one by its deadline), undated last
    assert [p.application.id for p in progress] == [intent.id, approved.id, sent.id, late.id]
    lines = {p.application.id: format_next_step(p, "sv", tz=TZ) for p in progress}
    assert lines[approved.id] == "skicka ansökan senast 2027-02-19"
    # 2027-02-01 - 7 days: the 2027-01-26 meeting does not fit; 2026-12-08 closed on 11-17
    assert lines[intent.id] == "för sent för KS-beslut före sista dag 2027-02-01"
    assert lines[sent.id] == "inskickad 2026-11-22, inväntar beslut"
    assert lines[late.id] == "ingen kommande sista dag känd"
    english = {p.application.id: format_next_step(p, "en", tz=TZ) for p in progress}
    assert english[approved.id] == "send the application by 2027-02-19"
    assert applications_in_progress(calls, "kfn", NOW, meetings=CALENDAR) == []
    # without a calendar the KS step has no date
    [undated] = [p for p in applications_in_progress(calls, "bun", NOW)
                 if p.application.id == intent.id]
    assert format_next_step(undated, "sv", tz=TZ) == "KS-beslut behövs (inget sammanträde planerat)"


def test_in_progress_ks_decision_date(calls):
    app = start(calls, item="eu-funding:ERASMUS-2026-KA152-YOU")  # 2027-02-19 12:00 local
    [progress] = applications_in_progress(calls, "bun", NOW, meetings=CALENDAR)
    assert progress.application.id == app.id and progress.due == date(2027, 1, 26)
    assert format_next_step(progress, "sv", tz=TZ) == \
        "KS-beslut senast 2027-01-26 (ärendet till KS senast 2027-01-05)"
    assert format_next_step(progress, "en", tz=TZ) == \
        "KS decision by 2027-01-26 (matter to KS by 2027-01-05)"
