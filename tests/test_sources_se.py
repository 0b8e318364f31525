"""regeringen.se remisser and the Swedish/Nordic funders: fields and dates, with evidence."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from monitor.errors import ParseError
from monitor.model import CLOSED, FORTHCOMING, LEGISLATION, OPEN
from tests.conftest import NOW
from tests.hermetic import replaced
from tests.source_helpers import SE, by_id, fetch, make_source, parse_file

STHLM = ZoneInfo("Europe/Stockholm")
LISTING = SE / "regeringen_remisser_listing.html"
DS_PAGE = SE / "regeringen_remiss_open_ds-2026-15.html"
REMISSER = "https://www.regeringen.se/remisser/"


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, tzinfo=STHLM)


# ------------------------------------------------------------------------ regeringen remisser
def test_remiss_listing_recorded():
    items = parse_file(make_source("regeringen-remisser", REMISSER), LISTING)
    assert len(items) == 20
    first = items[0]
    assert first.kind == LEGISLATION
    assert first.title.startswith("Remiss av direktiv om ändring av direktiv 2003/49/EG")
    assert first.url.startswith(REMISSER + "2026/07/remiss-av-direktiv-om-andring")
    assert first.published == datetime(2026, 7, 3, tzinfo=STHLM)
    assert first.extra["ministry"] == "Finansdepartementet"
    assert first.extra["case_number"] == "Fi2026/01655"
    sou = by_id(items)["2026/03/remiss-av-sou-20268-rattssaker-samhallsvard-for-barn-och-unga"]
    assert sou.extra["report"] == "SOU 2026:8"
    assert sou.extra["updated"] == "2026-07-02T22:00:00+00:00"
    ds = by_id(items)["2026/07/remiss-av--ds-202615-galdenarens-avtal-i-konkurs"]
    assert ds.extra["ministries"] == ["Justitiedepartementet", "Regeringen"]
    no_ministry = [i for i in items if "ministry" not in i.extra]
    assert [i.extra.get("case_number") for i in no_ministry] == ["LI2026/01339"]


def test_remiss_page_recorded_gives_title_ministry_published_and_deadline():
    source = make_source("regeringen-remisser", REMISSER)
    url = REMISSER + "2026/07/remiss-av--ds-202615-galdenarens-avtal-i-konkurs/"
    [item] = source.test_parse(DS_PAGE.read_bytes(), url=url)
    assert item.title == "Remiss av Ds 2026:15 Gäldenärens avtal i konkurs"
    assert item.extra["ministry"] == "Justitiedepartementet"
    assert item.extra["report"] == "Ds 2026:15"
    assert item.published == datetime(2026, 7, 2, tzinfo=STHLM)  # datetime="02 juli 2026"
    assert item.deadlines == [end_of(2026, 10, 30)]
    assert item.resolved(NOW).status == CLOSED
    published, deadline = item.extra["dates"]
    assert published == {"role": "published", "when": "2026-07-01T22:00:00+00:00",
                         "approximate": False, "text": "Publicerad 02 juli 2026"}
    assert deadline["role"] == "deadline"
    assert "senast den 30 oktober 2026" in deadline["text"]
    assert item.summary.startswith("Här kan du ta del av svaren")
    assert item.extra["documents"][0].endswith("remiss-av-promemorian-galdenarens-avtal-i-konkurs.pdf")


@pytest.mark.parametrize("name, title, ministry, published, deadline, wording", [
    ("constructed_regeringen_remiss_sista_dag.html", "Remiss av direktiv om ändring av direktiv",
     "Finansdepartementet", (2026, 7, 3), (2026, 10, 9),
     "Sista dag att svara på remissen är den 9 oktober 2026"),
    ("constructed_regeringen_remiss_entities.html", "Remiss av betänkandet Rättssäker",
     "Socialdepartementet", (2026, 3, 19), (2027, 1, 15), "senast den 15 januari 2027"),
    ("constructed_regeringen_remiss_strong.html", "Remiss av SOU 2026:23 Tolkavgift",
     "Arbetsmarknadsdepartementet", (2026, 5, 22), (2026, 12, 4), "senast den 4 december 2026"),
])
def test_remiss_page_variants(name, title, ministry, published, deadline, wording):
    source = make_source("regeringen-remisser", REMISSER)
    # No --url: the page is recognised by its canonical link or, without one, its markup.
    [item] = source.test_parse((SE / name).read_bytes(), url=REMISSER)
    assert item.title.startswith(title)
    assert item.extra["ministry"] == ministry
    assert item.published == datetime(*published, tzinfo=STHLM)
    assert item.deadlines == [end_of(*deadline)]
    assert wording in item.extra["dates"][-1]["text"]
    assert item.resolved(NOW).status == (OPEN if end_of(*deadline) > NOW else CLOSED)


def test_remiss_listing_then_pages_through_the_server(httpserver):
    listing = replaced(LISTING.read_bytes(), b'href="/remisser/', b'href="/r/remisser/')
    httpserver.expect_request("/r/remisser/").respond_with_data(listing, content_type="text/html")
    httpserver.expect_request(
        "/r/remisser/2026/07/remiss-av--ds-202615-galdenarens-avtal-i-konkurs/"
    ).respond_with_data(DS_PAGE.read_bytes(), content_type="text/html")
    source = make_source("regeringen-remisser", httpserver.url_for("/r/remisser/"),
                         max_details=4)
    items = fetch(source)
    assert len(items) == 20
    ds = items[3]
    assert ds.deadlines == [end_of(2026, 10, 30)] and "detail_error" not in ds.extra
    # Three pages the server does not have: listing data kept, the error noted, no deadline.
    assert all("HTTP 500" in i.extra["detail_error"] for i in items[:3])
    assert all("detail_error" not in i.extra and not i.deadlines for i in items[4:])


def test_remiss_page_without_heading_is_a_parse_error():
    source = make_source("regeringen-remisser", REMISSER)
    with pytest.raises(ParseError, match="no remiss heading"):
        source.test_parse(b"<html><main><p>Sidan finns inte</p></main></html>",
                          url=REMISSER + "2026/07/x/")


# ------------------------------------------------------------------------------------ ESF
ESF = "https://www.esf.se/wp-json/wp/v2/pages"


def test_esf_call_labels_and_closing_time():
    source = make_source("esf", ESF, search="utlysning", programme="ESF+", language="sv",
                         plan_url="https://www.esf.se/utlysningar/utlysningsplan/")
    items = by_id(parse_file(source, SE / "constructed_esf_wp_pages.json"))
    assert set(items) == {"48211", "48377"}  # the Q&A page is not a call
    call = items["48211"]
    assert call.extra["call_number"] == "2026/00412"
    assert call.extra["programme_area"] == "A1 Kompetensförsörjning"
    assert call.extra["region"] == "Stockholm"
    assert call.extra["budget_sek"] == 40_000_000
    assert call.opens == datetime(2026, 11, 2, tzinfo=STHLM)
    # "Slutdatum 2027-02-04" and "stänger kl.16.00 den 4 februari 2027": one deadline, 16:00.
    assert call.deadlines == [datetime(2027, 2, 4, 16, 0, tzinfo=STHLM)]
    assert call.resolved(NOW).status == OPEN
    coming = items["48377"]
    assert coming.opens is None and coming.deadlines == []
    assert coming.status == FORTHCOMING
    assert [(d["role"], d["approximate"]) for d in coming.extra["dates"]] == [
        ("opens", True), ("deadline", True)]
    assert "beräknas öppna i januari 2027" in coming.extra["dates"][0]["text"]


def test_esf_plan_rows_take_roles_from_headings(httpserver):
    httpserver.expect_request("/wp-json/wp/v2/pages").respond_with_json([])
    httpserver.expect_request("/utlysningsplan/").respond_with_data(
        (SE / "constructed_esf_utlysningsplan.html").read_bytes(), content_type="text/html")
    source = make_source("esf", httpserver.url_for("/wp-json/wp/v2/pages"),
                         plan_url=httpserver.url_for("/utlysningsplan/"))
    items = by_id(fetch(source))
    exact = items["plan-stärkt-inkludering"]
    assert exact.title == "Planerad utlysning: Stärkt inkludering"
    assert exact.opens == datetime(2027, 2, 3, tzinfo=STHLM)
    assert exact.deadlines == [end_of(2027, 4, 28)]
    month_only = items["plan-kompetens-i-välfärden"]
    assert month_only.opens is None and month_only.deadlines == []
    assert month_only.status == FORTHCOMING
    assert "Öppnar: december 2026" in month_only.extra["dates"][0]["text"]


# ------------------------------------------------------------------------------- Nordplus
def nordplus(**options):  # noqa: ANN003, ANN201
    return make_source("nordplus", "https://www.nordplusonline.org/programmes/nordplus-junior/",
                       programme="Nordplus Junior", **options)


def test_nordplus_rule_and_stated_deadlines():
    source = nordplus(deadlines=["02-01", "10-01"])
    items = by_id(parse_file(source, SE / "constructed_nordplus_junior.html"))
    feb, oct_ = items["nordplus-junior-2027-02-01"], items["nordplus-junior-2027-10-01"]
    assert feb.title == "Nordplus Junior – ansökan senast 2027-02-01"
    assert feb.programme == "Nordplus Junior" and feb.deadlines == [end_of(2027, 2, 1)]
    assert feb.extra["deadline_from"] == "page text"
    assert oct_.deadlines == [end_of(2027, 10, 1)]
    assert feb.summary.startswith("Nordplus Junior")


def test_nordplus_page_without_dates_uses_the_yearly_rule():
    [item] = parse_file(nordplus(), SE / "constructed_nordplus_adult.html")
    assert item.deadlines == [end_of(2027, 2, 1)] and item.extra["deadline_from"] == "rule"


def test_nordplus_rule_moves_to_the_next_working_day():
    # 1 February 2031 is a Saturday: the deadline is Monday 3 February.
    [item] = parse_file(nordplus(now=datetime(2030, 11, 22, 8, tzinfo=timezone.utc)), SE / "constructed_nordplus_adult.html")
    assert item.deadlines == [end_of(2031, 2, 3)]
    assert item.native_id == "nordplus-junior-2031-02-01"  # the round keeps its id


# ----------------------------------------------------------------------------------- ICLD
def test_icld_windows_and_preparation_phase():
    source = make_source("icld", "https://icld.se/vart-arbete/kommunala-partnerskap/faq-och-kontakt/",
                         programme="ICLD kommunala partnerskap", language="sv")
    call, preparation = parse_file(source, SE / "constructed_icld_faq.html")
    assert call.title == "ICLD kommunala partnerskap: ansökningsomgångar"
    assert call.deadlines == [end_of(2027, 3, 15), end_of(2027, 10, 15)]
    assert call.opens == datetime(2027, 2, 15, tzinfo=STHLM)  # the window of the next deadline
    assert call.resolved(NOW).status == FORTHCOMING
    assert "Från den 15 februari till den 15 mars" in call.extra["dates"][0]["text"]
    assert preparation.native_id == "icld-kommunala-partnerskap#forberedelse"
    assert preparation.resolved(NOW).status == OPEN and preparation.deadlines == []
    assert preparation.extra["evidence"].startswith("Förberedelse kan alltid")


def test_icld_without_any_time_wording_has_no_preparation_item():
    source = make_source("icld", "https://icld.se/faq/", programme="ICLD")
    body = ("<html><main><h1>FAQ</h1><p>Sista ansökningsdag 15 februari samt 15 april.</p>"
            "</main></html>").encode()
    [call] = source.check_items(source.parse(body, url=source.url))
    assert call.deadlines == [end_of(2027, 2, 15), end_of(2027, 4, 15)]
