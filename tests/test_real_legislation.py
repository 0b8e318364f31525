"""regeringen.se and Riksdagen on their genuine recorded answers (tests/fixtures/real/)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from monitor.app import load_config
from monitor.digests.build import Period, build_digest
from monitor.digests.dispatch import digest_message
from monitor.digests.subscriptions import Subscription
from monitor.mail.message import message_bytes
from monitor.model import LEGISLATION, Item, Tag
from tests.conftest import NOW
from tests.hermetic import edit_file, replaced
from tests.mailfixtures import SECOND_POLL, mail_env, parse, seeded  # noqa: F401 - fixtures
from tests.pdf_helpers import text_pdf
from tests.real_pages import path
from tests.source_helpers import by_id, fetch, make_source, parse_file

STHLM = ZoneInfo("Europe/Stockholm")
LISTING = path("regeringen_remisser_listing_full.html")
REMISS = path("regeringen_remiss_ds-2026-15_full.html")
DS_PATH = "/remisser/2026/07/remiss-av--ds-202615-galdenarens-avtal-i-konkurs/"
PDF_PATH = ("/contentassets/52ffae5758bd45af85eb030f1c58d0a0/"
            "remiss-av-promemorian-galdenarens-avtal-i-konkurs.pdf")


@pytest.fixture(autouse=True)
def _july_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_NOW", "2026-07-10T08:00:00+00:00")


# ------------------------------------------------------------------------------ regeringen.se
def test_full_listing_titles_dates_ministries_and_case_numbers():
    items = parse_file(make_source("regeringen-remisser", "https://www.regeringen.se/remisser/"),
                       LISTING)
    assert len(items) == 20
    first = items[0]
    assert first.title.startswith("Remiss av direktiv om ändring av direktiv 2003/49/EG")
    assert not first.title.endswith("Fi2026/01655") and first.extra["case_number"] == "Fi2026/01655"
    assert first.published == datetime(2026, 7, 3, tzinfo=STHLM)
    assert first.extra["ministry"] == "Finansdepartementet"
    metal = items[-1]
    assert metal.title == ("Remiss av Ädelmetallutredningen – en moderniserad reglering av handel "
                           "med ädelmetallarbeten (SOU 2026:14)")
    assert metal.extra["case_number"] == "KN2026/00741" and metal.extra["report"] == "SOU 2026:14"


def test_full_remiss_page_deadline_published_and_invitee_list():
    source = make_source("regeringen-remisser", "https://www.regeringen.se/remisser/")
    [item] = source.test_parse(REMISS.read_bytes(), url="https://www.regeringen.se" + DS_PATH)
    assert item.title == "Remiss av Ds 2026:15 Gäldenärens avtal i konkurs"
    assert item.deadlines == [datetime(2026, 10, 30, 23, 59, tzinfo=STHLM)]
    assert item.published == datetime(2026, 7, 2, tzinfo=STHLM)
    assert item.extra["ministries"] == ["Justitiedepartementet", "Regeringen"]
    # The PDF under the "Remissinstanser:" heading is the list of invited bodies.
    assert item.extra["remissinstanser"] == ["https://www.regeringen.se" + PDF_PATH]


def test_registration_number_in_the_heading_is_its_own_field():
    # Genuine page, constructed heading (the heading SOURCES.md quotes from a recorded page).
    html = REMISS.read_text(encoding="utf-8")
    heading = ('<h1 id="h1id">\n Remiss av Ädelmetallutredningen (SOU 2026:14) '
               '<span class="h1-vignette">Diarienummer: KN2026/00741</span>\n</h1>')
    html = re.sub(r'<h1 id="h1id">.*?</h1>', heading, html, flags=re.S)
    source = make_source("regeringen-remisser", "https://www.regeringen.se/remisser/")
    [item] = source.test_parse(html.encode(), url="https://www.regeringen.se/remisser/2026/04/x/")
    assert item.title == "Remiss av Ädelmetallutredningen (SOU 2026:14)"
    assert item.extra["case_number"] == "KN2026/00741"
    assert "Diarienummer" not in item.title


def _filter_answer(slugs: list[str]) -> dict:
    """Constructed answer of the filter endpoint (shape [inf]), its blocks cut from the
    recorded listing with other links."""
    block = re.search(r'<li>\s*<div class="sortcompact.*?</li>', LISTING.read_text("utf-8"), re.S)[0]
    items = [re.sub(r'href="/remisser/[^"]+"', f'href="/remisser/2025/01/{slug}/"', block)
             for slug in slugs]
    return {"Message": f'<ul class="list--block">{"".join(items)}</ul>', "TotalCount": 3271}


def test_older_remisser_page_through_the_filter_endpoint(httpserver):
    httpserver.expect_request("/remisser/").respond_with_data(
        LISTING.read_bytes(), content_type="text/html; charset=utf-8")
    for page, slugs in ((2, ["aldre-remiss-a", "aldre-remiss-b"]), (3, [])):
        httpserver.expect_request(
            "/Filter/GetFilteredItems", headers={"X-Requested-With": "XMLHttpRequest"},
            query_string={"lang": "sv", "filterType": "Taxonomy",
                          "filterByType": "FilterablePageBase", "rootPageReference": "0",
                          "displayLimited": "True", "preFilteredCategories": "2099",
                          "page": str(page)}).respond_with_json(_filter_answer(slugs))
    source = make_source("regeringen-remisser", httpserver.url_for("/remisser/"), pages=5,
                         max_details=0)
    items = fetch(source)
    assert len(items) == 22
    assert [i.native_id for i in items[-2:]] == ["2025/01/aldre-remiss-a", "2025/01/aldre-remiss-b"]
    assert items[-1].url == httpserver.url_for("/remisser/2025/01/aldre-remiss-b/")
    assert len(httpserver.log) == 3  # page 3 added nothing: no page 4 asked


def _serve_remiss(httpserver, pdf: bytes) -> None:  # noqa: ANN001
    listing = BeautifulSoup(LISTING.read_bytes(), "lxml")  # the recorded listing, one item
    block = listing.select_one(f'ul.list--block > li:has(a[href="{DS_PATH}"])')
    httpserver.expect_request("/remisser/").respond_with_data(
        f'<html><body><ul class="list--block">{block}</ul></body></html>'.encode(),
        content_type="text/html; charset=utf-8")
    httpserver.expect_request(DS_PATH).respond_with_data(
        REMISS.read_bytes(), content_type="text/html; charset=utf-8")
    httpserver.expect_request(PDF_PATH).respond_with_data(pdf, content_type="application/pdf")


def test_municipality_on_the_remissinstans_list_is_invited(httpserver):
    pdf = text_pdf(["Remissinstanser", "Kronofogdemyndigheten", "Sveriges advokatsamfund",
                    "Tyresö kommun", "Umeå kommun"])  # constructed PDF
    _serve_remiss(httpserver, pdf)
    [item] = fetch(make_source("regeringen-remisser", httpserver.url_for("/remisser/")))
    assert item.extra["invited"] is True and item.extra["invited_as"] == "Tyresö kommun"
    assert item.deadlines == [datetime(2026, 10, 30, 23, 59, tzinfo=STHLM)]


def test_not_on_the_list_and_an_unreadable_list(httpserver):
    _serve_remiss(httpserver, text_pdf(["Remissinstanser", "Täby kommun", "Tyresö församling"]))
    [item] = fetch(make_source("regeringen-remisser", httpserver.url_for("/remisser/")))
    assert item.extra["invited"] is False
    httpserver.clear()
    _serve_remiss(httpserver, b"%PDF-1.4 broken")
    [item] = fetch(make_source("regeringen-remisser", httpserver.url_for("/remisser/")))
    assert "invited" not in item.extra and "PDF could not be read" in item.extra[
        "remissinstanser_error"]
    assert item.deadlines  # the remiss itself is kept whole


@pytest.mark.parametrize("name, lang, line", [
    (None, "sv", "Tyresö kommun är remissinstans – svar senast 15 januari 2027"),
    (None, "en", "Tyresö kommun is asked to respond – reply by 15 January 2027"),
    ("Värmdö kommun", "sv", "Värmdö kommun är remissinstans – svar senast 15 januari 2027"),
    ("", "sv", "Kommunen är remissinstans – svar senast 15 januari 2027"),  # never another's name
    ("", "en", "The municipality is asked to respond – reply by 15 January 2027")])
def test_digest_shows_an_invited_remiss_first(config_dir, seeded, name, lang,  # noqa: ANN001, F811
                                              line):
    if name is not None:
        edit_file(config_dir / "settings.toml", ('name = "Tyresö kommun"', f'name = "{name}"'))
    config = load_config(config_dir)
    remiss = Item(source="regeringen-remisser", native_id="2026/11/z", kind=LEGISLATION,
                  title="Remiss av Ö-utredningen", url="https://www.regeringen.se/remisser/z/",
                  deadlines=[datetime(2027, 1, 15, 23, 59, tzinfo=STHLM)],
                  extra={"invited": True})
    seeded.upsert_items([remiss], now=SECOND_POLL)
    seeded.replace_tags(remiss.id, [Tag("committee", "bun", 0.8, ("remiss",), "test")],
                        now=SECOND_POLL)
    sub = Subscription("bun", "mottagare@tyreso.se", lang=lang)
    period = Period.containing(NOW, sub.frequency, config.settings.tz)
    digest = build_digest(config, seeded, sub, period, since=period.start.replace(
        day=period.start.day - 7), until=NOW)
    [section] = [s for s in digest.groups[0].sections if s.key == "legislation"]
    assert [e.item_id for e in section.entries][0] == remiss.id
    assert section.entries[0].invited == line and not section.entries[1].invited
    text = parse(message_bytes(digest_message(config, digest, NOW))).get_body(
        ("plain",)).get_content()
    assert line in text


# -------------------------------------------------------------------------------- Riksdagen
def test_riksdagen_sfs_designations_links_and_organ():
    source = make_source("riksdagen", "https://data.riksdagen.se/dokumentlista/?utformat=json")
    items = by_id(parse_file(source, path("riksdagen_dokumentlista_sfs_1880-1900.json")))
    assert len(items) == 20
    resolution = items["sfs-1895-bih. 52 s. 1"]
    # SFS titles name their number ("Resolution (1895:bih.52s.1)"): no designation before.
    assert resolution.title.startswith("Kungl. Maj:ts Resolution (1895:bih.52s.1) på en av")
    assert resolution.extra["designation"] == "SFS 1895:bih. 52 s. 1"  # not "1895:1895:…"
    assert "\n" not in resolution.title
    assert resolution.extra["organ"] == "Justitiedepartementet L2"
    assert resolution.published.date().isoformat() == "1895-06-20"
    law = items["sfs-1898-64 s.10"]
    assert law.title == "Lag (1898:64 s.10) om boskillnad"  # the title names itself once
    for item in items.values():
        assert " " not in item.url and " " not in item.extra["data_url"]
        assert item.url.startswith("https://www.riksdagen.se/sv/dokument-och-lagar/dokument/"
                                   "svensk-forfattningssamling/")
        assert item.extra["data_url"].startswith("https://data.riksdagen.se/dokument/")
    assert law.extra["data_url"] == "https://data.riksdagen.se/dokument/sfs-1898-64%20s.10.html"
    no_organ = items["sfs-1989-1015"]
    assert "organ" not in no_organ.extra  # "" in the data: nothing to tag by
    listing = json.loads(path("riksdagen_dokumentlista_sfs_1880-1900.json").read_text("utf-8"))
    assert listing["dokumentlista"]["@sidor"] == "548"  # the answer pages on; read elsewhere


def test_bodies_listed_on_the_remiss_page_itself():
    # Genuine page, constructed list: the names under the heading instead of a PDF link.
    html = replaced(REMISS.read_text(encoding="utf-8"), '<h2 class="h4">Remissinstanser:</h2>',
                    '<h2 class="h4">Remissinstanser:</h2><ul><li>Kronofogdemyndigheten</li>'
                    '<li>Tyresö kommun</li></ul>', 1)
    source = make_source("regeringen-remisser", "https://www.regeringen.se/remisser/")
    [item] = source.test_parse(html.encode(), url="https://www.regeringen.se" + DS_PATH)
    assert item.extra["invited"] is True and item.extra["invited_as"] == "Tyresö kommun"
