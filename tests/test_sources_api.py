"""API and feed sources: EUR-Lex, Have your say, Riksdagen, Vinnova (fields, dates, paging)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from werkzeug import Response

from monitor.errors import ParseError
from monitor.model import CLOSED, LEGISLATION, OPEN
from tests.conftest import NOW
from tests.source_helpers import EU, SE, by_id, fetch, make_source, parse_file

STHLM = ZoneInfo("Europe/Stockholm")
BRUSSELS = ZoneInfo("Europe/Brussels")


# ------------------------------------------------------------------------------- EUR-Lex
def test_eurlex_celex_title_link_and_date():
    source = make_source("eurlex", "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=162")
    items = by_id(parse_file(source, EU / "constructed_eurlex_162.rss"))
    directive = items["32026L1472"]
    assert directive.kind == LEGISLATION
    assert directive.title.startswith("Directive (EU) 2026/1472 of the European Parliament")
    assert directive.url == "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32026L1472"
    assert directive.published == datetime(2026, 11, 20, 9, 5, 12, tzinfo=timezone.utc)
    assert directive.extra["act_type"] == "directive"
    assert directive.summary == ""
    regulation = items["32026R2210"]
    assert regulation.extra["act_type"] == "regulation"
    assert regulation.summary.startswith("Regulation on the once-only principle")
    assert regulation.published == datetime(2026, 10, 9, 7, 0, tzinfo=timezone.utc)


def test_eurlex_reads_every_list_and_links_in_the_feed_language(httpserver):
    httpserver.expect_request("/SV/display-feed.rss", query_string="rssId=162").respond_with_data(
        (EU / "constructed_eurlex_162.rss").read_bytes(), content_type="application/rss+xml")
    httpserver.expect_request("/SV/display-feed.rss", query_string="rssId=161").respond_with_data(
        (EU / "constructed_eurlex_161.rss").read_bytes(), content_type="application/rss+xml")
    # The language comes from the eur-lex URL shape; a local server stands in for the host.
    source = make_source("eurlex", httpserver.url_for("/SV/display-feed.rss?rssId=162"),
                         extra_urls=[httpserver.url_for("/SV/display-feed.rss?rssId=161")])
    items = by_id(fetch(source))
    assert set(items) == {"32026L1472", "32026R2210", "52026PC0640"}
    proposal = items["52026PC0640"]
    assert proposal.extra["act_type"] == "proposal (COM)"
    assert proposal.title.startswith("Proposal for a DIRECTIVE")


def test_eurlex_entry_without_celex_keeps_its_guid():
    source = make_source("eurlex", "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=222")
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>OJ</title>
      <item><title>Corrigendum to the Official Journal</title><link>https://eur-lex.europa.eu/x</link>
      <guid isPermaLink="false">cellar:abc</guid></item></channel></rss>"""
    [item] = source.check_items(source.parse(body, url=source.url))
    assert item.native_id == "cellar:abc" and item.url == "https://eur-lex.europa.eu/x"


# ---------------------------------------------------------------------------- Have your say
def test_haveyoursay_current_shape():
    source = make_source("haveyoursay", "https://ec.europa.eu/brpapi/searchInitiatives")
    items = by_id(parse_file(source, EU / "constructed_haveyoursay_page.json"))
    mobility = items["18805"]  # the id arrived as 18805.0
    assert mobility.url.endswith("/have-your-say/initiatives/18805")
    assert mobility.deadlines == [datetime(2027, 1, 22, 23, 59, 59, tzinfo=BRUSSELS)]
    assert mobility.opens == mobility.published == datetime(2026, 10, 30, tzinfo=BRUSSELS)
    assert mobility.status == OPEN
    assert mobility.extra["topics"] == ["Transport", "Regional policy"]
    assert mobility.extra["act_type"] == "PROP_DIR"
    # Of two windows the open one is the item's; the closed initiative is marked closed.
    schools = items["14752"]
    assert schools.deadlines == [datetime(2026, 12, 8, 23, 59, 59, tzinfo=BRUSSELS)]
    assert schools.extra["stage"] == "CFE_IMPACT_ASSESSMENT"
    assert items["16001"].status == CLOSED
    assert items["16001"].resolved(NOW).status == CLOSED


def test_haveyoursay_older_embedded_shape():
    source = make_source("haveyoursay", "https://ec.europa.eu/brpapi/searchInitiatives")
    [item] = parse_file(source, EU / "constructed_haveyoursay_embedded.json")
    assert item.native_id == "13390"
    assert item.title == "Social economy – public procurement guidance"
    assert item.deadlines[0].date().isoformat() == "2027-02-15"


def test_haveyoursay_pages_until_total_pages(httpserver):
    page = json.loads((EU / "constructed_haveyoursay_page.json").read_text())
    rows = page["initiativeResultDtoPage"]["content"]
    for number, row in enumerate(rows):
        body = {"initiativeResultDtoPage": {"totalPages": 3, "content": [row]}}
        httpserver.expect_ordered_request("/brpapi/searchInitiatives", query_string={
            "feedbackStatus": "OPEN", "page": str(number), "size": "1"}).respond_with_json(body)
    source = make_source("haveyoursay",
                         httpserver.url_for("/brpapi/searchInitiatives?feedbackStatus=OPEN"),
                         page_size=1)
    assert [i.native_id for i in fetch(source)] == ["18805", "14752", "16001"]
    httpserver.check_assertions()


def test_haveyoursay_unknown_json_is_a_parse_error():
    source = make_source("haveyoursay", "https://ec.europa.eu/brpapi/searchInitiatives")
    with pytest.raises(ParseError, match="neither 'initiativeResultDtoPage' nor '_embedded'"):
        source.parse(b'{"error": "maintenance"}', url=source.url)


# ------------------------------------------------------------------------------- Riksdagen
def test_riksdagen_recorded_page_fields():
    source = make_source("riksdagen", "https://data.riksdagen.se/dokumentlista/?utformat=json")
    items = by_id(parse_file(source, SE / "riksdagen_dokumentlista_bet_page1.json"))
    assert list(items) == ["HE01FiU8", "HD01KU45", "HD01JuU47"]
    report = items["HE01FiU8"]
    assert report.title == ("Bet. 2026/27:FiU8 Skattetransparenta värdepappersfonder för "
                            "institutionella investerare")
    # The page a person reads on riksdagen.se (path shape inferred), the API's text beside it.
    assert report.url == ("https://www.riksdagen.se/sv/dokument-och-lagar/dokument/betankande/"
                          "skattetransparenta-vardepappersfonder-for_he01fiu8/")
    assert report.extra["data_url"] == "https://data.riksdagen.se/dokument/HE01FiU8.html"
    assert report.published == datetime(2026, 6, 30, tzinfo=STHLM)
    assert report.extra["organ"] == "FiU" and report.extra["document_status"] == "planerat"
    assert report.kind == LEGISLATION


def test_riksdagen_single_object_and_empty_list():
    source = make_source("riksdagen", "https://data.riksdagen.se/dokumentlista/?utformat=json")
    [bill] = parse_file(source, SE / "constructed_riksdagen_dokumentlista_prop_single.json")
    assert bill.title == "Prop. 2026/27:120 Ett stärkt skydd för barn i samhällsvården"
    assert parse_file(source, SE / "constructed_riksdagen_dokumentlista_ds_empty.json") == []
    [first, _] = parse_file(source, SE / "constructed_riksdagen_dokumentlista_sou.json")
    assert first.title == "SOU 2026:45 En samlad lag om kommunal beredskap"


def test_riksdagen_follows_nasta_sida_per_document_type(httpserver):
    page1 = json.loads((SE / "riksdagen_dokumentlista_bet_page1.json").read_text())
    # @nasta_sida names the real host over http; point it at the local server instead.
    page1["dokumentlista"]["@nasta_sida"] = httpserver.url_for("/dokumentlista/") + \
        "?doktyp=bet&utformat=json&p=2"
    httpserver.expect_request("/dokumentlista/", query_string={
        "utformat": "json", "doktyp": "bet"}).respond_with_json(page1)
    httpserver.expect_request("/dokumentlista/", query_string={
        "doktyp": "bet", "utformat": "json", "p": "2"}).respond_with_data(
        (SE / "riksdagen_dokumentlista_bet_page2.json").read_bytes(),
        content_type="application/json")
    httpserver.expect_request("/dokumentlista/", query_string={
        "utformat": "json", "doktyp": "sou"}).respond_with_data(
        (SE / "constructed_riksdagen_dokumentlista_sou.json").read_bytes(),
        content_type="application/json")
    source = make_source("riksdagen", httpserver.url_for("/dokumentlista/?utformat=json"),
                         doktyp=["bet", "sou"], pages=3)
    ids = [i.native_id for i in fetch(source)]
    assert ids == ["HE01FiU8", "HD01KU45", "HD01JuU47", "HD01JuU45", "HE0345", "HE0344"]


def test_riksdagen_rejects_other_json():
    source = make_source("riksdagen", "https://data.riksdagen.se/dokumentlista/")
    with pytest.raises(ParseError, match="not a Riksdagen dokumentlista"):
        source.parse(b"[]", url=source.url)


# --------------------------------------------------------------------------------- Vinnova
def serve_vinnova(httpserver, since: str = "2026-10-23") -> None:  # noqa: ANN001
    """The calls and rounds answers, and the two records read on their own."""
    for path, name in ((f"/api/utlysningar/{since}", "utlysningar"),
                       (f"/api/ansokningsomgangar/{since}", "ansokningsomgangar"),
                       ("/api/ansokningsomgangar/2026-04121", "ansokningsomgang_2026-04121"),
                       ("/api/utlysningar/2025-09876", "utlysning_2025-09876")):
        httpserver.expect_request(path).respond_with_data(
            (SE / f"inferred_vinnova_{name}.json").read_bytes(), content_type="application/json")


def test_vinnova_joins_calls_with_their_rounds(httpserver):
    serve_vinnova(httpserver)
    source = make_source("vinnova", httpserver.url_for("/api/utlysningar/"), days_back=30)
    items = by_id(fetch(source))
    # The call by invitation only (its one round has Publik 0) is no item.
    assert sorted(items) == ["2025-09876", "2026-01907", "2026-03411", "2026-04120"]
    municipal = items["2026-03411"]
    assert municipal.title == "Innovationer för hållbara och attraktiva kommuner"
    assert municipal.published == datetime(2026, 9, 15, tzinfo=STHLM)
    # Two rounds: both closings are deadlines; the opening is the next round's.
    assert municipal.deadlines == [datetime(2027, 2, 10, 14, 0, tzinfo=STHLM),
                                   datetime(2027, 9, 15, 14, 0, tzinfo=STHLM)]
    assert municipal.opens == datetime(2026, 10, 1, tzinfo=STHLM)
    assert [r["id"] for r in municipal.extra["rounds"]] == ["2026-03412", "2026-03413"]
    assert municipal.extra["links"] == [{"text": "Ansök här", "url":
                                         "https://portal.vinnova.se/DynFormNet/CreateForm."
                                         "aspx?fid=0000"}]
    assert municipal.summary.startswith("Vinnova söker projekt där kommuner utvecklar")
    # Webbsida is a flag (1, 0): never a link; the site search finds the call by number.
    for item in items.values():
        assert item.url.startswith("https://www.vinnova.se/sok-finansiering/"), item.url
        assert not item.url.endswith(("/1", "/0"))
    assert items["2026-01907"].resolved(NOW).status == CLOSED
    # A listed round that did not change was read on its own.
    assert items["2026-04120"].deadlines == [datetime(2027, 4, 20, 14, 0, tzinfo=STHLM)]
    assert items["2026-04120"].resolved(NOW).status == "forthcoming"
    assert "title_en" not in items["2026-04120"].extra  # "xx" is no English title
    # A changed round whose call did not change: the call was read on its own.
    challenge = items["2025-09876"]
    assert challenge.title == "Utmaningsdriven innovation – samhällsutmaningar"
    assert challenge.deadlines == [datetime(2027, 1, 20, 14, 0, tzinfo=STHLM)]
    # Named officers are personal data: not kept.
    assert "KontaktLista" not in municipal.raw
    assert all("KontaktLista" not in r for r in municipal.raw["rounds"])
    assert "handlaggare@example.org" not in json.dumps(municipal.raw)


def test_vinnova_a_round_that_cannot_be_read_keeps_the_call_and_says_so(httpserver):
    for path, name in (("/api/utlysningar/2026-10-23", "utlysningar"),
                       ("/api/ansokningsomgangar/2026-10-23", "ansokningsomgangar")):
        httpserver.expect_request(path).respond_with_data(
            (SE / f"inferred_vinnova_{name}.json").read_bytes(), content_type="application/json")
    for gone in ("/api/ansokningsomgangar/2026-04121", "/api/utlysningar/2025-09876"):
        httpserver.expect_request(gone).respond_with_response(Response("[]", status=404))
    source = make_source("vinnova", httpserver.url_for("/api/utlysningar/"), days_back=30)
    items = by_id(fetch(source))
    health = items["2026-04120"]  # its round is gone: listed, without dates
    assert health.deadlines == [] and health.title == "Hälsa och omsorg nära invånaren"
    assert any("2026-04121" in note and "404" in note for note in health.extra["lookup_errors"])
    # The round whose call could not be read is still an item, under the call's number.
    assert items["2025-09876"].title == "Utmaningsdriven innovation – steg 2, hösten 2026"


def test_vinnova_max_lookups_bounds_the_single_reads(httpserver):
    serve_vinnova(httpserver)
    source = make_source("vinnova", httpserver.url_for("/api/utlysningar/"), days_back=30,
                         max_lookups=0)
    items = by_id(fetch(source))
    assert items["2026-04120"].deadlines == []
    assert "not read (max_lookups 0)" in items["2026-04120"].extra["lookup_errors"][0]


def test_vinnova_saved_answers_parse_alone():
    source = make_source("vinnova", "https://data.vinnova.se/api/utlysningar/")
    calls = by_id(parse_file(source, SE / "inferred_vinnova_utlysningar.json"))
    assert calls["2026-03411"].deadlines == []  # the dates are on the rounds
    rounds = by_id(parse_file(source, SE / "inferred_vinnova_ansokningsomgangar.json"))
    assert rounds["2026-03411"].deadlines[0] == datetime(2027, 2, 10, 14, 0, tzinfo=STHLM)
    assert "2026-05555" not in rounds
    # An older answer with the dates on the call itself still reads.
    older = by_id(parse_file(source, SE / "constructed_vinnova_utlysningar.json"))
    assert older["2026-03411"].deadlines == [datetime(2027, 2, 10, 14, 0, tzinfo=STHLM)]
    assert older["2026-03411"].url == "https://www.vinnova.se/e/hallbara-kommuner-2026/"


def test_vinnova_asks_for_changes_since_days_back(httpserver):
    serve_vinnova(httpserver)
    source = make_source("vinnova", httpserver.url_for("/api/utlysningar/"), days_back=30)
    assert len(fetch(source)) == 4
    paths = [request.path for request, _ in httpserver.log]
    assert paths[:2] == ["/api/utlysningar/2026-10-23", "/api/ansokningsomgangar/2026-10-23"]


def test_source_http_error_names_the_url(httpserver):
    httpserver.expect_request("/api/utlysningar/2026-10-23").respond_with_response(
        Response("down", status=404))
    source = make_source("vinnova", httpserver.url_for("/api/utlysningar/"), days_back=30)
    from monitor.errors import FetchError
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(source)


def test_haveyoursay_is_current_marks_the_window_and_every_status_maps():
    from monitor.model import FORTHCOMING

    source = make_source("haveyoursay", "https://ec.europa.eu/brpapi/searchInitiatives")
    items = by_id(parse_file(source, EU / "constructed_haveyoursay_iscurrent.json"))
    # UPCOMING: the coming window, listed before an older closed one, is the item's.
    youth = items["20011"]
    assert youth.status == FORTHCOMING and youth.resolved(NOW).status == FORTHCOMING
    assert youth.opens == datetime(2026, 12, 15, tzinfo=BRUSSELS)
    assert youth.deadlines == [datetime(2027, 3, 9, 23, 59, 59, tzinfo=BRUSSELS)]
    # A stale OPEN entry that is not current does not reopen a closed consultation.
    procurement = items["20012"]
    assert procurement.status == CLOSED and procurement.extra["feedback_status"] == "CLOSED"
    assert procurement.deadlines == [datetime(2026, 11, 12, 23, 59, 59, tzinfo=BRUSSELS)]
    # DISABLED: no feedback is taken; no window of an earlier stage becomes its deadline.
    disabled = items["20013"]
    assert disabled.status == CLOSED and disabled.deadlines == []
    assert disabled.extra["stage"] == "ADOPTION_WORKFLOW"
    assert items["20014"].status == OPEN
