"""decide_by: the board meeting, its cut-off and the committee's step, at every edge."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from monitor.decisions.decide_by import (decide_by, decide_by_cell, decide_by_for_row,
                                         decide_by_json, format_decide_by)
from monitor.decisions.meetings import Body, Meetings
from monitor.store.rows import StoredItem
from tests.conftest import TZ

STHLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)

KS = Body("ks", (date(2026, 11, 17), date(2026, 12, 8), date(2027, 1, 26), date(2027, 2, 23),
                 date(2027, 3, 23)), submission_days=21)
BUN = Body("bun", (date(2026, 11, 4), date(2026, 11, 25), date(2027, 1, 5), date(2027, 1, 13)),
           submission_days=14)
PLAN = Meetings(bodies={"ks": KS, "bun": BUN}, application_days=7)


def local(y: int, m: int, d: int, hour: int = 17, minute: int = 0) -> datetime:
    """A deadline at a local (Stockholm) time."""
    return datetime(y, m, d, hour, minute, tzinfo=STHLM)


def test_deadline_on_meeting_plus_application_days_fits_that_meeting():
    plan = decide_by([local(2027, 2, 2)], "bun", PLAN, NOW)  # 2027-01-26 + 7 days
    assert plan.ks_meeting == date(2027, 1, 26)
    assert plan.ks_submission == date(2027, 1, 5)
    assert not plan.too_late and plan.skipped == ()
    # bun's meeting ON the KS cut-off (2027-01-05) is too late to reach KS: the one before
    assert plan.committee_meeting == date(2026, 11, 25)
    assert plan.committee_submission == date(2026, 11, 11)
    assert plan.committee_missed  # 2026-11-11 < today (2026-11-22)


def test_deadline_one_day_earlier_needs_the_previous_meeting_whose_cutoff_has_passed():
    plan = decide_by([local(2027, 2, 1)], "bun", PLAN, NOW)
    # 2027-01-26 + 7 > 2027-02-01; the meeting before (2026-12-08) closed for matters 11-17
    assert plan.too_late
    assert plan.ks_meeting == date(2026, 12, 8) and plan.ks_submission == date(2026, 11, 17)
    assert plan.deadline == local(2027, 2, 1)


def test_deadline_is_taken_as_a_local_date():
    # 23:30 UTC on 1 February is 00:30 on 2 February in Stockholm: the 26 January meeting fits
    late_utc = datetime(2027, 2, 1, 23, 30, tzinfo=timezone.utc)
    assert decide_by([late_utc], None, PLAN, NOW).ks_meeting == date(2027, 1, 26)
    # but 23:59 means "that day" (as the digest shows it): 2 February, not 3 February
    end_of_day = datetime(2027, 2, 2, 23, 59, tzinfo=timezone.utc)
    plan = decide_by([end_of_day], None, PLAN, NOW)
    assert plan.ks_meeting == date(2027, 1, 26)
    assert format_decide_by(plan, tz=TZ).endswith("för sista dag 2 februari 2027.")
    assert decide_by([datetime(2027, 2, 1, 23, 59, tzinfo=timezone.utc)], None, PLAN,
                     NOW).too_late


@pytest.mark.parametrize(("now", "possible"), [
    (datetime(2027, 1, 4, 12, 0, tzinfo=STHLM), True),    # the day before the KS cut-off
    (datetime(2027, 1, 5, 23, 30, tzinfo=STHLM), True),   # on the cut-off day, late evening
    (datetime(2027, 1, 5, 23, 30, tzinfo=timezone.utc), False),  # 00:30 on 6 January locally
    (datetime(2027, 1, 6, 9, 0, tzinfo=STHLM), False),    # the day after
])
def test_now_just_before_on_and_after_the_submission_cutoff(now, possible):
    plan = decide_by([local(2027, 2, 10)], None, PLAN, now)
    assert plan.too_late is (not possible)
    assert plan.ks_meeting == date(2027, 1, 26)


def test_across_the_year_boundary():
    now = datetime(2026, 10, 1, 8, 0, tzinfo=timezone.utc)
    plan = decide_by([local(2027, 1, 4)], "bun", PLAN, now)
    assert (plan.ks_meeting, plan.ks_submission) == (date(2026, 12, 8), date(2026, 11, 17))
    assert (plan.committee_meeting, plan.committee_submission) == (date(2026, 11, 4),
                                                                   date(2026, 10, 21))
    assert not plan.committee_missed
    # KS in January 2027, the committee still in November 2026
    plan = decide_by([local(2027, 2, 5)], "bun", PLAN, now)
    assert plan.ks_meeting == date(2027, 1, 26)
    assert plan.committee_meeting == date(2026, 11, 25)


def test_several_deadlines_uses_the_next_one_still_reachable():
    deadlines = [local(2026, 11, 1), local(2027, 3, 5), local(2026, 12, 10), local(2027, 1, 20)]
    plan = decide_by(deadlines, "bun", PLAN, NOW)
    assert plan.deadline == local(2027, 3, 5)
    assert plan.skipped == (local(2026, 12, 10), local(2027, 1, 20))  # past one not listed
    assert (plan.ks_meeting, plan.ks_submission) == (date(2027, 2, 23), date(2027, 2, 2))
    assert plan.committee_meeting == date(2027, 1, 13) and not plan.committee_missed
    assert decide_by_cell(plan, "sv", tz=TZ) == "2027-02-23 (för sista dag 2027-03-05)"
    assert decide_by_cell(plan, "en", tz=TZ) == "2027-02-23 (for the deadline 2027-03-05)"


def test_several_deadlines_all_out_of_reach_is_too_late_for_the_next():
    plan = decide_by([local(2027, 1, 20), local(2026, 12, 10)], "bun", PLAN, NOW)
    assert plan.too_late and plan.deadline == local(2026, 12, 10)
    assert plan.ks_meeting == date(2026, 11, 17)
    assert decide_by_cell(plan, "sv", tz=TZ) == "för sent för KS-beslut"
    assert decide_by_cell(plan, "en", tz=TZ) == "too late for a KS decision"


def test_deadline_before_any_planned_meeting_is_too_late_without_a_meeting():
    plan = decide_by([local(2026, 11, 23)], None, PLAN, NOW)
    assert plan.too_late and plan.ks_meeting is None and plan.ks_submission is None


@pytest.mark.parametrize("meetings", [
    Meetings(),                                              # no calendar at all
    Meetings(bodies={"bun": BUN}),                           # committees but no board
    Meetings(bodies={"ks": Body("ks", (), 21)}),              # board without dates
])
def test_no_meetings_configured_gives_no_plan(meetings):
    assert decide_by([local(2027, 3, 1)], "bun", meetings, NOW) is None


def test_no_future_deadline_gives_no_plan():
    assert decide_by([], "bun", PLAN, NOW) is None
    assert decide_by([local(2026, 11, 1)], "bun", PLAN, NOW) is None


def test_committee_is_the_board_itself():
    plan = decide_by([local(2027, 3, 5)], "ks", PLAN, NOW)
    assert plan.committee == "ks"
    assert plan.committee_meeting == plan.ks_meeting == date(2027, 2, 23)
    assert plan.committee_submission == plan.ks_submission
    assert not plan.committee_missed
    line = format_decide_by(plan, "sv", tz=TZ)
    assert line.count("23 februari 2027") == 1  # no second, identical committee step


def test_committee_without_a_plan_and_no_committee():
    for owner in ("gvn", None):
        plan = decide_by([local(2027, 3, 5)], owner, PLAN, NOW)
        assert plan.committee == owner and plan.committee_meeting is None
        assert not plan.committee_missed and plan.ks_meeting == date(2027, 2, 23)


def test_beyond_the_meeting_plan_is_flagged():
    plan = decide_by([local(2027, 6, 1)], None, PLAN, NOW)
    assert plan.ks_meeting == date(2027, 3, 23) and plan.beyond_plan
    assert "ett senare möte kan finnas" in format_decide_by(plan, tz=TZ)
    assert not decide_by([local(2027, 3, 30)], None, PLAN, NOW).beyond_plan  # exactly fits


def test_zero_application_days():
    plan = decide_by([local(2027, 1, 26)], None,
                     Meetings(bodies={"ks": KS}, application_days=0), NOW)
    assert plan.ks_meeting == date(2027, 1, 26)


def test_row_uses_first_committee_tag_or_the_given_one():
    row = StoredItem(id="x", kind="call", deadlines=("2027-03-05T16:00:00+00:00",),
                     committees=("bun", "ks"))
    assert decide_by_for_row(row, PLAN, now=NOW).committee == "bun"
    assert decide_by_for_row(row, PLAN, committee="ks", now=NOW).committee == "ks"
    assert decide_by_for_row(replace(row, committees=()), PLAN, now=NOW).committee is None
    assert decide_by_for_row(replace(row, kind="legislation"), PLAN, now=NOW) is None


def test_json_and_lines():
    plan = decide_by([local(2027, 3, 5)], "bun", PLAN, NOW)
    data = decide_by_json(plan)
    assert data == {"deadline": "2027-03-05T16:00:00+00:00", "ks_meeting": "2027-02-23",
                    "ks_submission": "2027-02-02", "committee": "bun",
                    "committee_meeting": "2027-01-13", "committee_submission": "2026-12-30",
                    "too_late": False, "committee_missed": False, "beyond_plan": False,
                    "skipped": []}
    assert decide_by_json(None) is None
    assert format_decide_by(plan, "sv", tz=TZ) == (
        "Besluta senast: KS 23 februari 2027 (ärendet till KS senast 2 februari 2027); "
        "BUN 13 januari 2027 (ärendet in senast 30 december 2026); "
        "för sista dag 5 mars 2027.")
    assert format_decide_by(plan, "en", committee_name="Education", tz=TZ) == (
        "Decide by: KS 23 February 2027 (matter to KS by 2 February 2027); Education "
        "13 January 2027 (matter in by 30 December 2026); for the deadline 5 March 2027.")
    missed = decide_by([local(2027, 2, 2)], "bun", PLAN, NOW)
    assert "BUN hinner inte på ordinarie sammanträde" in format_decide_by(missed, "sv", tz=TZ)
    late = decide_by([local(2026, 12, 10)], "bun", PLAN, NOW)
    assert format_decide_by(late, "en", tz=TZ) == \
        "Too late for a KS decision before the deadline 10 December 2026."
    assert format_decide_by(None, tz=TZ) == ""


@pytest.mark.parametrize("deadline, committee, expected", [
    # an ordinary path: bun's meeting, then KS's, then the deadline
    (local(2027, 3, 30), "bun", ["Barn- och utbildningsnämnden sammanträder 13 januari 2027 "
                                 "(ärendet in senast 30 december 2026)",
                                 "Kommunstyrelsen sammanträder 23 mars 2027 "
                                 "(ärendet till KS senast 2 mars 2027)"]),
    # bun's last meeting before the KS cut-off has passed its own cut-off
    (local(2027, 2, 2), "bun", ["Barn- och utbildningsnämnden har inget ordinarie sammanträde i "
                                "tid: extra sammanträde eller ordförandebeslut behövs",
                                "Kommunstyrelsen sammanträder 26 januari 2027 "
                                "(ärendet till KS senast 5 januari 2027)"]),
    # the board owns the project: no committee step of its own
    (local(2027, 3, 30), "ks", ["Kommunstyrelsen sammanträder 23 mars 2027 "
                                "(ärendet till KS senast 2 mars 2027)"]),
    # too late for any ordinary KS decision
    (local(2026, 12, 20), "bun", ["För sent för ordinarie KS-beslut: sista sammanträde som hade "
                                  "räckt var 8 december 2026 (ärendet till KS senast 17 november "
                                  "2026); extra sammanträde, ordförandebeslut eller nästa omgång"]),
])
def test_ks_draft_steps_follow_the_one_decision_timeline(deadline, committee, expected):
    from monitor.config.committees import Committee
    from monitor.decisions.decide_by import decision_timeline
    from monitor.paperwork.ks_draft import timeline_lines

    owner = Committee(committee, "Barn- och utbildningsnämnden" if committee == "bun"
                      else "Kommunstyrelsen", "", "", "", "")
    timeline = decision_timeline(decide_by([deadline], committee, PLAN, NOW), PLAN, NOW)
    lines = timeline_lines(timeline, owner, PLAN, deadline, "sv")
    assert lines[:-1] == expected
    assert lines[-1].startswith("Ansökan ska vara inskickad senast ")
    # no plan at all (no board meetings): a visible placeholder, never a guess
    none = timeline_lines(None, owner, PLAN, deadline, "sv")
    assert none[0].startswith("Kommunstyrelsens sammanträde: [KS-sammanträde]")
