"""The yearly report on the constructed 2026 scenario: golden Markdown, HTML escaping, CSV,
the year boundary and calls shown but not pursued."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest

from monitor.config.committees import load_committees
from monitor.decisions.applications import advance_application, start_application
from monitor.model import CALL, Item, Tag
from monitor.paperwork.report import build_report, money, render_report
from tests.conftest import FIXTURES, NOW, ROOT, TZ
from tests.decisions_scenario import COMMITTEES, build
from tests.hermetic import check_golden

GOLDEN = FIXTURES / "decisions" / "report-2026.md"
COMMITTEE_TABLE = load_committees(ROOT / "config")


@pytest.fixture
def year(store):
    build(store)
    return store


def test_markdown_matches_the_golden_file(year):
    text = render_report(build_report(year, 2026, COMMITTEE_TABLE, now=NOW, tz=TZ), tz=TZ)
    check_golden(GOLDEN, text)


def test_sections_statuses_and_amounts(year):
    report = build_report(year, 2026, COMMITTEE_TABLE, now=NOW, tz=TZ)
    # aon's only call was first seen (20 November) after the last digest (16 November)
    assert [s.committee.id for s in report.committees] == ["ks", "bun", "kfn"]
    bun = report.committees[1]
    assert [(s.status, s.count, s.applied, s.granted) for s in bun.by_status] == [
        ("submitted", 1, 240_000, None), ("granted", 1, 450_000, 420_000)]
    assert [a.title for a in bun.granted] == ["Cooperation partnerships in school education"]
    assert bun.partners == ["Cēsis", "Savigny-le-Temple"] and bun.countries == ["EE", "FI", "FR",
                                                                                "LV"]
    # tagged to bun, first seen in 2026 while open and inside a sent digest's window, without
    # a bun application; the 2025 call is not listed, the Youth exchanges call is (kfn
    # applied, bun did not)
    assert {r["id"] for r in bun.not_pursued} == {
        "eu-funding:CERV-2026-CITIZENS-TOWN-TT", "eu-funding:ERASMUS-2026-KA210-SCH",
        "eu-funding:ERASMUS-2026-KA152-YOU"}
    youth = next(r for r in bun.not_pursued if r["id"].endswith("KA152-YOU"))
    assert youth["deadline"] == datetime(2027, 2, 19, 11, 0, tzinfo=timezone.utc)  # the next
    assert report.total.count == 4 and report.total.granted == 420_000
    # CERV was shown to ks and bun: one call not pursued, counted once
    assert report.granted_count == 1 and report.not_pursued_count == 3
    assert [c.id for c in next(r for r in report.not_pursued
                               if r["id"].endswith("TOWN-TT"))["shown_to"]] == ["ks", "bun"]


def test_one_committee_is_shown_even_when_empty(year):
    report = build_report(year, 2026, COMMITTEE_TABLE, committee="gvn", now=NOW, tz=TZ)
    [section] = report.committees
    assert section.committee.id == "gvn" and section.applications == []
    assert "Inga ansökningar." in render_report(report, tz=TZ)


def test_a_step_after_new_year_belongs_to_the_next_year(store):
    store.upsert_items([Item("icld", "x", CALL, "Partnerskap", "https://icld.se/x",
                             deadlines=[datetime(2027, 4, 1, tzinfo=timezone.utc)])], now=NOW)
    store.replace_tags("icld:x", [Tag("committee", "ks", 1.0)], now=NOW)
    later = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)
    app = start_application(store, "icld:x", "ks", committees=COMMITTEES, by="a",
                            on=date(2026, 12, 31), now=later, tz=TZ)
    advance_application(store, app.id, "ks-approved", by="a", on=date(2027, 1, 1), now=later, tz=TZ)
    advance_application(store, app.id, "submitted", by="a", amount=100, now=later, tz=TZ)
    old = build_report(store, 2026, COMMITTEE_TABLE, now=later, tz=TZ).committees[0].applications
    new = build_report(store, 2027, COMMITTEE_TABLE, now=later, tz=TZ).committees[0].applications
    assert [(a.status, a.amount_applied) for a in old] == [("intent", None)]
    assert [(a.status, a.amount_applied) for a in new] == [("submitted", 100)]


def test_html_is_escaped(store):
    store.upsert_items([Item("x", "1", CALL, "<script>alert(1)</script> & co", "javascript:x",
                             programme="<b>P</b>")], now=NOW)
    store.replace_tags("x:1", [Tag("committee", "bun", 1.0)], now=NOW)
    app = start_application(store, "x:1", "bun", committees=COMMITTEES, by="a",
                            partners=["<img src=x onerror=alert(1)>"], now=NOW, tz=TZ)
    advance_application(store, app.id, "ks-approved", by="a", now=NOW, tz=TZ)
    advance_application(store, app.id, "submitted", by="a", now=NOW, tz=TZ)
    advance_application(store, app.id, "granted", by="a", amount=5, now=NOW, tz=TZ)
    html = render_report(build_report(store, 2026, COMMITTEE_TABLE, now=NOW, tz=TZ), "html", "en", tz=TZ)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "<img" not in html and "&lt;b&gt;P&lt;/b&gt;" in html
    assert 'href="javascript' not in html
    md = render_report(build_report(store, 2026, COMMITTEE_TABLE, now=NOW, tz=TZ), "md", tz=TZ)
    assert "<script>alert(1)</script> & co" in md  # Markdown is text, not escaped HTML


def test_csv_has_one_row_per_application(year):
    text = render_report(build_report(year, 2026, COMMITTEE_TABLE, now=NOW, tz=TZ), "csv", "en", tz=TZ)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4
    granted = next(r for r in rows if r["status"] == "granted")
    assert granted == {
        "year": "2026", "committee": "bun", "committee_name":
        "Committee for Children and Education", "id": "1",
        "item": "eu-funding:ERASMUS-2026-KA220-SCH",
        "title": "Cooperation partnerships in school education", "programme": "Erasmus+",
        "status": "granted", "status_label": "granted", "intent": "2026-01-14",
        "ks_approved": "2026-01-27", "submitted": "2026-03-04", "decided": "2026-07-10",
        "amount_applied": "450000", "amount_granted": "420000",
        "partners": "Cēsis;Savigny-le-Temple", "countries": "LV;FR"}


def test_money():
    assert money(1_234_567) == "1\u00a0234\u00a0567\u00a0kr"
    assert money(1_234_567, "en") == "SEK 1,234,567"
    assert money(None) == "–"


def test_a_call_two_committees_applied_for_counts_once(year):
    """A joint application recorded by both committees is one application in the total."""
    joint = start_application(year, "eu-funding:CERV-2026-CITIZENS-TOWN-TT", "ks",
                              committees=COMMITTEES, by="a", amount=200_000, now=NOW, tz=TZ)
    start_application(year, "eu-funding:CERV-2026-CITIZENS-TOWN-TT", "bun",
                      committees=COMMITTEES, by="a", amount=200_000, now=NOW, tz=TZ)
    report = build_report(year, 2026, COMMITTEE_TABLE, now=NOW, tz=TZ)
    per_committee = sum(s.total.count for s in report.committees)
    assert per_committee == 6 and report.total.count == 5
    assert report.total.applied == 990_000 + 200_000  # its amount once, not twice
    assert all(not r["id"].endswith("TOWN-TT") for r in report.not_pursued)
    assert joint.id == 5


def test_no_digest_means_nothing_was_shown(store):
    """A call that never reached a sent digest was not "shown": it is not listed."""
    store.upsert_items([Item("x", "1", CALL, "Utlysning", "https://example.org/1",
                             deadlines=[datetime(2026, 12, 1, tzinfo=timezone.utc)])],
                       now=datetime(2026, 3, 1, tzinfo=timezone.utc))
    store.replace_tags("x:1", [Tag("committee", "bun", 1.0)], now=NOW)
    assert build_report(store, 2026, COMMITTEE_TABLE, now=NOW, tz=TZ).not_pursued == []
