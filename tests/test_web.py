"""``monitor web``: every route through Starlette's test client on the seeded scenario.

The scenario (tests.mailfixtures): calls A, B, D (bun), C (shn), F (no committee), G (bun,
closed), legislation E (bun); B's deadline moved from 1 March to 1 April 2027.
"""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from monitor.config.committees import committees
from monitor.decisions.applications import start_application
from monitor.web.context import CSP
from tests.conftest import NOW
from tests.webfixtures import client, mail_env, make_client, seeded  # noqa: F401 - fixtures

PAGES = ["/", "/?committee=bun", "/calls/eu-funding:B", "/legislation", "/applications",
         "/committees/bun", "/sources", "/?lang=en", "/calls/eu-funding:B?lang=en"]


def titles(html: str) -> list[str]:
    """The call titles a listing shows, in order."""
    return [a.get_text() for a in soup(html).select("a.title")]


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def text(html: str) -> str:
    return " ".join(soup(html).get_text(" ").split())


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_the_safety_headers(client, path):  # noqa: ANN001, F811
    response = client.get(path)
    assert response.status_code == 200, response.text[-300:]
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CSP
    assert "script-src" not in CSP and "'unsafe-inline'" not in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    html = response.text
    assert "<script" not in html and " style=" not in html  # nothing the CSP would block
    assert 'href="/static/style.css"' in html


def test_front_page_lists_open_calls_soonest_first_with_decide_by_and_why(client):  # noqa: ANN001, F811
    html = client.get("/").text
    assert titles(html) == ["Skolutveckling i Europa", "Lärarutbyten inom Erasmus+",
                            "Klimatanpassning i kommuner", "Digitalisering i förskolan",
                            "Cesis vänort kulturutbyte"]  # G is closed, E legislation
    page = text(html)
    assert "Besluta senast:" in page
    # the digest's plain words (monitor.digests.entry_facts.plain_why), never the matcher's rule
    assert "Varför: BUN: Matchade: grundskolan · programmet Erasmus+; GVN: Matchade: " \
        "lärarutbyten" in page and "(+3)" not in page
    assert "Varför: BUN: Matchade: förskolan · prioriterat område: Verksamhetsutveckling" in page
    assert "ingen nämnd matchade" in page  # F has no committee: said so, not hidden
    english = text(client.get("/?lang=en").text)
    assert "Open and forthcoming calls" in english and "Decide by:" in english


def test_filters_are_the_clis(client):  # noqa: ANN001, F811
    bun = titles(client.get("/?committee=bun").text)
    assert bun == ["Skolutveckling i Europa", "Lärarutbyten inom Erasmus+",
                   "Digitalisering i förskolan"]
    # by name, English name or a unique beginning, case-insensitive
    for name in ("Barn- och utbildningsnämnden", "committee for children and education", "Barn"):
        assert titles(client.get("/", params={"committee": name}).text) == bun
    assert titles(client.get("/?q=förskolan").text) == ["Digitalisering i förskolan"]
    assert titles(client.get("/?closing_within=30").text) == ["Skolutveckling i Europa"]
    assert titles(client.get("/?programme=LIFE").text) == ["Klimatanpassning i kommuner"]
    assert "Stängd skolutlysning" in titles(client.get("/?status=closed").text)
    assert "Stängd skolutlysning" in titles(client.get("/?all=1&committee=bun").text)
    assert titles(client.get("/?limit=2").text) == bun[:2]


@pytest.mark.parametrize("query,args", [
    ("", []), ("committee=bun", ["--committee", "bun"]), ("q=skol", ["--search", "skol"]),
    ("status=open&status=closed", ["--status", "open", "--status", "closed"]),
    ("all=1&closing_within=120&programme=Erasmus",
     ["--all", "--closing-within", "120", "--programme", "Erasmus"]),
    ("priority=verksamhetsutveckling&limit=1", ["--priority", "verksamhetsutveckling",
                                                "--limit", "1"]),
    ("committee=bun&limit=1", ["--committee", "bun", "--limit", "1"]),
])
def test_api_returns_exactly_the_clis_json(client, cli, query, args):  # noqa: ANN001, F811
    api = client.get(f"/api/calls?{query}")
    assert api.headers["content-type"] == "application/json; charset=utf-8"
    expected = json.loads(cli("calls", *args, "--format", "json").stdout)
    assert expected and api.json() == expected
    assert api.headers["x-limit"] == ("1" if "limit=1" in query else "100")  # the default
    unlimited = [a for a in args if a != "--limit" and a != "1"] if "limit=1" in query else args
    matching = json.loads(cli("calls", *unlimited, "--format", "json").stdout)
    assert api.headers["x-more"] == ("true" if len(matching) > len(expected) else "false")
    if query == "committee=bun&limit=1":
        assert len(matching) > 1 and api.headers["x-more"] == "true"  # the case it is for
    if "committee" in query:  # the owning committee drives decide-by as in the CLI
        assert {row["decide_by"]["committee"] for row in api.json() if row["decide_by"]} == {"bun"}


def test_api_legislation_and_one_item_match_the_cli(client, cli):  # noqa: ANN001, F811
    assert client.get("/api/legislation?committee=bun").json() == json.loads(
        cli("legislation", "--committee", "bun", "--format", "json").stdout)
    item = client.get("/api/calls/eu-funding:B").json()
    assert item == json.loads(cli("show", "eu-funding:B", "--format", "json").stdout)
    assert [h["field"] for h in item["history"]] == ["deadlines"]
    missing = client.get("/api/calls/eu-funding:NOPE")
    assert missing.status_code == 404 and missing.json()["error"] == \
        "Ingen post med id 'eu-funding:NOPE'."


def test_call_page_has_fields_deadlines_timeline_evidence_history_and_also_at(  # noqa: ANN001, F811
        client, seeded, config):
    from monitor.pipeline.dedup import update_groups
    from tests.mailfixtures import item
    mirror = item("B2", "Digitalisering i förskolan", opens=None,
                  deadlines=[NOW.replace(2027, 4, 1, 0, 0)])
    mirror.source, mirror.url = "esf", "https://www.esf.se/utlysning-b"
    seeded.upsert_items([mirror], now=NOW)
    update_groups(seeded, config.settings.tz)
    html = client.get("/calls/eu-funding:B").text
    doc = soup(html)
    steps = [" ".join(li.get_text(" ").split()) for li in doc.select("ol.timeline li")]
    assert steps == [  # the digest's steps (monitor.decisions.decide_by.decision_timeline), by body
        "Barn- och utbildningsnämnden 27 januari 2027: ärendet till Barn- och "
        "utbildningsnämnden senast 10 februari 2027: Barn- och utbildningsnämnden sammanträder "
        "och beslutar",
        "Kommunstyrelsen 2 mars 2027: ärendet till Kommunstyrelsen senast 23 mars 2027: "
        "Kommunstyrelsen sammanträder och godkänner",
        "Ansökan 1 april 2027: ansökan ska vara inne"]
    assert [li["class"][-1] for li in doc.select("ol.timeline li")] == [
        "state-next", "state-later", "state-later"]
    assert not doc.select("p.late")  # nothing is late
    page = text(html)
    assert "1 april 2027 (planen siktar på denna)" in page
    tag = soup(html).select("ul.tags li")[0].get_text(" ")
    assert "Barn- och utbildningsnämnden" in tag and "(nämnd, 0.80)" in tag
    assert "Matchade: förskolan" in tag
    assert 'term "förskola" in title as "förskolan" (+3)' in page  # and the rule behind it
    assert "Verksamhetsutveckling (prioriterat område, 0.60)" in page
    history = doc.select("ul.history li")[0].get_text(" ")
    assert "deadlines" in history and "2027-03-01" in history and "2027-04-01" in history
    also = doc.select("a[href='https://www.esf.se/utlysning-b']")
    assert also and "Även hos" in page
    english = text(client.get("/calls/eu-funding:B?lang=en").text)
    assert "Decision timeline" in english and "1 April 2027: application must be in" in english


def test_legislation_committee_sources_and_applications_pages(client, seeded, config):  # noqa: ANN001, F811
    assert titles(client.get("/legislation").text) == ["Förslag till ändrad skollag"]
    page = client.get("/committees/bun").text
    assert titles(page) == ["Skolutveckling i Europa", "Lärarutbyten inom Erasmus+",
                            "Digitalisering i förskolan", "Förslag till ändrad skollag"]
    assert 'href="/feeds/bun.ics"' in page and 'href="/feeds/bun.atom"' in page
    assert client.get("/committees/Barn").status_code == 200  # a name works here too
    poll = seeded.start_poll("vinnova", now=NOW)
    seeded.finish_poll(poll, outcome="error", error="HTTP 503 från servern", now=NOW)
    sources = text(client.get("/sources").text)
    assert all(s.name in sources for s in config.sources)
    assert "HTTP 503 från servern" in sources and "aldrig" in sources
    start_application(seeded, "eu-funding:B", "bun", committees=committees(config), by="test",
                      now=NOW, tz=config.settings.tz)
    board = soup(client.get("/applications").text)
    intent = board.select("section.column-intent")[0].get_text(" ")
    assert "Digitalisering i förskolan" in intent and "Nästa steg:" in intent
    assert "KS-beslut senast" in intent
    assert "Digitalisering" not in board.select("section.column-submitted")[0].get_text(" ")


@pytest.mark.parametrize("path,status,message", [
    ("/?committee=zzz", 400, "Ogiltigt värde för committee: 'zzz'. Giltiga: ks, bun"),
    ("/?committee=b", 400, "'b' passar flera nämnder: bun, bn"),
    ("/?colour=red", 400, "Okänd parameter 'colour'. Sidan tar: committee, status"),
    ("/?status=done", 400, "Ogiltigt värde för status: 'done'. Giltiga: forthcoming, open"),
    ("/?closing_within=-3", 400, "closing_within ska vara ett tal större än 0, inte '-3'"),
    ("/?limit=many", 400, "limit ska vara ett tal större än 0, inte 'many'"),
    ("/?lang=de", 400, "Ogiltigt värde för lang: 'de'. Giltiga: sv, en"),
    ("/calls/eu-funding:NOPE", 404, "Ingen post med id 'eu-funding:NOPE'."),
    ("/committees/zzz", 404, "Ogiltigt värde för committee: 'zzz'"),
    ("/feeds/zzz.ics", 404, "Okänt flöde 'zzz': ange en nämnd (ks, bun"),
    ("/nowhere", 404, "Sidan finns inte: /nowhere"),
    ("/?committee=zzz&lang=en", 400, "Invalid value for committee: 'zzz'. Valid: ks, bun"),
])
def test_bad_requests_get_a_clear_page_never_a_traceback(client, path, status, message):  # noqa: ANN001, F811
    response = client.get(path)
    assert response.status_code == status
    assert message in text(response.text)
    assert "Traceback" not in response.text and response.headers["content-security-policy"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/", "/calls/eu-funding:B", "/api/calls", "/feeds/bun.ics",
                                  "/static/style.css"])
def test_nothing_but_reading_is_allowed(client, seeded, method, path):  # noqa: ANN001, F811
    before = seeded.conn.execute("SELECT count(*), max(updated) FROM items").fetchone()
    response = client.request(method, path, data={"status": "closed"})
    assert response.status_code == 405
    assert seeded.conn.execute("SELECT count(*), max(updated) FROM items").fetchone() == before
    if not path.startswith("/static"):
        assert "GET" in response.headers["allow"]


def test_head_is_reading_too(client):  # noqa: ANN001, F811
    for path in ("/", "/feeds/bun.ics", "/api/calls"):
        response = client.head(path)
        assert response.status_code == 200 and response.content == b""


def test_static_css_is_served_locally(client):  # noqa: ANN001, F811
    response = client.get("/static/style.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    assert "@media (max-width: 700px)" in response.text
    assert not re.search(r"url\(|@import|https?://", response.text)  # no external assets


def test_links_keep_the_chosen_language_and_filters(client):  # noqa: ANN001, F811
    doc = soup(client.get("/?committee=bun&lang=en").text)
    hrefs = [a.get("href") for a in doc.select("a.title")]
    assert hrefs[0] == "/calls/eu-funding:A?committee=bun&lang=en"
    assert doc.select("a.lang")[0].get("href") == "/?committee=bun"
    assert doc.select("input[name=lang]")[0].get("value") == "en"
    assert doc.select("select[name=committee] option[selected]")[0].get("value") == "bun"


def test_a_server_error_is_a_plain_page_without_a_traceback(config, seeded):  # noqa: ANN001, F811
    broken_client = make_client(config, raise_server_exceptions=False)
    seeded.conn.execute("DROP TABLE tags")  # a database broken under the running page
    with broken_client as broken:
        page = broken.get("/")
        api = broken.get("/api/calls")
    assert page.status_code == 500 and "Något gick fel på servern" in page.text
    assert "Traceback" not in page.text and "tags" not in text(page.text)
    assert page.headers["content-security-policy"] == CSP
    assert api.status_code == 500 and api.json()["status"] == 500


def test_timeline_says_when_it_is_too_late_for_ks(client):  # noqa: ANN001, F811
    doc = soup(client.get("/calls/eu-funding:A").text)  # closes 10 December 2026
    steps = doc.select("ol.timeline li")
    assert [s["class"] for s in steps] == [["step", "step-ks", "state-warning"],
                                          ["step", "step-application", "state-next"]]
    assert "27 oktober 2026: ärendet till Kommunstyrelsen senast (passerat)" in \
        steps[0].get_text()
    assert "10 december 2026 kl. 17:00" in steps[1].get_text()
    late = doc.select("p.late")[0].get_text()
    assert late.startswith("För sent för ordinarie beslut i Kommunstyrelsen före sista dag "
                           "10 december 2026: ärendet skulle ha varit inne 27 oktober 2026, "
                           "26 dagar sedan.") and "ordförandebeslut" in late
    legislation = soup(client.get("/calls/eu-funding:E").text)
    assert not legislation.select("ol.timeline") and "Förslag till ändrad skollag" in \
        legislation.h1.get_text()


def test_earlier_decisions_of_the_programme_are_shown_and_in_the_api(client, seeded, config,  # noqa: ANN001, F811
                                                                     cli):
    from monitor.decisions.applications import advance_application
    app = start_application(seeded, "eu-funding:A", "bun", committees=committees(config),
                            by="test", now=NOW, tz=config.settings.tz)
    advance_application(seeded, app.id, "rejected", by="test", force=True,
                        reason="Svag koppling till programmets mål", now=NOW,
                        tz=config.settings.tz)
    page = text(client.get("/calls/eu-funding:D").text)  # D is Erasmus+ too
    assert "Tidigare ansökningar till programmet" in page
    assert "Tidigare ansökan (2026) avslogs: Svag koppling till programmets mål." in page
    listing = {r["id"]: r for r in client.get("/api/calls?committee=bun").json()}
    assert listing["eu-funding:D"]["earlier"] and listing["eu-funding:B"]["earlier"]
    assert list(listing.values()) == json.loads(
        cli("calls", "--committee", "bun", "--format", "json").stdout)
    assert client.get("/api/calls/eu-funding:D").json() == json.loads(
        cli("show", "eu-funding:D", "--format", "json").stdout)


def test_calls_the_municipality_cannot_apply_for_as_in_the_cli(client, seeded, cli):  # noqa: ANN001, F811
    from monitor.model import Tag
    seeded.replace_tags("eu-funding:F", [Tag("eligibility", "no", 1.0, (
        "bara för regioner i Norrland", "only for regions in Norrland"), "test")], now=NOW)
    assert "Cesis vänort kulturutbyte" not in titles(client.get("/").text)
    assert "Cesis vänort kulturutbyte" in titles(client.get("/?all=1").text)
    for query, args in (("", []), ("all=1", ["--all"])):
        assert client.get(f"/api/calls?{query}").json() == json.loads(
            cli("calls", *args, "--format", "json").stdout)
    page = text(client.get("/calls/eu-funding:F").text)
    assert "Kommunen kan inte söka: bara för regioner i Norrland" in page
    english = text(client.get("/calls/eu-funding:F?lang=en").text)
    assert "The municipality cannot apply: only for regions in Norrland" in english
