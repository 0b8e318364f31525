"""The web feeds (Atom read by feedparser, iCalendar by icalendar) and hostile input: markup,
event handlers and ``javascript:`` links in titles, summaries and programmes arrive as text
in every page and feed, never as markup or links."""

from __future__ import annotations

import re
from datetime import date, timedelta

import feedparser
import pytest
from icalendar import Calendar
from lxml import etree

from monitor.decisions.calendar_export import event_uid
from monitor.model import Item, Tag
from tests.conftest import NOW, ROOT
from tests.mailfixtures import utc
from tests.reliability.hostile import payloads, template_vocabulary, unsafe_html
from tests.webfixtures import client, mail_env, seeded  # noqa: F401 - fixtures

WEB_TEMPLATES = ROOT / "monitor" / "web" / "templates"


def events(data: bytes) -> dict[str, dict]:
    return {str(e["SUMMARY"]): {"uid": str(e["UID"]), "start": e.decoded("DTSTART")}
            for e in Calendar.from_ical(data).walk("VEVENT")}


def test_committee_calendar_has_deadlines_and_both_hand_in_days(client):  # noqa: ANN001, F811
    response = client.get("/feeds/bun.ics")
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    found = events(response.content)
    assert str(Calendar.from_ical(response.content)["X-WR-CALNAME"]) == \
        "Utlysningar för Barn- och utbildningsnämnden"
    b = "Digitalisering i förskolan"
    assert found[f"Sista dag: {b} (1 april 2027)"]["start"] == date(2027, 4, 1)
    assert found[f"Ärende till nämnden senast: {b}"]["start"] == date(2027, 1, 27)
    assert found[f"Ärende till KS senast: {b}"]["start"] == date(2027, 3, 2)
    assert found[f"Ärende till KS senast: {b}"]["uid"] == event_uid("eu-funding:B",
                                                                    "ks-submission")
    assert not any("Klimatanpassning" in s for s in found)  # shn's call is not bun's
    assert events(client.get("/feeds/bun.ics").content) == found  # stable UIDs, same file
    every = events(client.get("/feeds/all.ics").content)
    assert "Sista dag: Klimatanpassning i kommuner (1 februari 2027)" in every
    english = events(client.get("/feeds/bun.ics?lang=en").content)
    assert f"Deadline: {b} (1 April 2027)" in english


def test_atom_feed_parses_newest_first(client):  # noqa: ANN001, F811
    response = client.get("/feeds/bun.atom")
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Nytt för Barn- och utbildningsnämnden"
    assert [e.title for e in feed.entries] == [
        "Förslag till ändrad skollag", "Lärarutbyten inom Erasmus+", "Stängd skolutlysning",
        "Digitalisering i förskolan", "Skolutveckling i Europa"]  # first seen, newest first
    first = feed.entries[1]
    assert first.link == "https://example.org/calls/D"
    assert "Mobilitet för lärare i grundskolan" in first.summary
    assert first.id.startswith("urn:kommun-monitor:")
    again = feedparser.parse(client.get("/feeds/bun.atom").content)
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]  # stable ids
    every = feedparser.parse(client.get("/feeds/all.atom?lang=en").content)
    assert every.feed.title == "New calls and legislation" and len(every.entries) == 7
    assert client.get("/feeds/nobody.atom").status_code == 404


@pytest.fixture
def hostile(seeded):  # noqa: ANN001, F811
    """40 calls whose title, summary and programme carry markup and whose links are bad."""
    items = []
    for i, p in enumerate(payloads(40)):
        items.append(Item(source="eu-funding", native_id=f"X{i}", kind="call",
                          title=p["title"], summary=p["summary"], programme=p["programme"],
                          url=p["link"], opens=utc(2026, 10, 1),
                          deadlines=[NOW + timedelta(days=30 + i)]))
    seeded.upsert_items(items, now=NOW - timedelta(minutes=5))
    for item in items:
        seeded.replace_tags(item.id, [Tag("committee", "bun", 0.9, (item.title,), "test")],
                            now=NOW)
    return items


OWN_PATH = re.compile(r"link (href|action)='/(?!/)")


def _problems(html: str) -> list[str]:
    tags, attributes, styles = template_vocabulary(WEB_TEMPLATES)
    attributes |= {"selected", "checked"}  # the filter form's, written without a value
    problems = unsafe_html(html, tags=tags, attributes=attributes, styles=styles)
    # this site's own pages are linked by path ("/calls/..."): not another host, not a scheme
    return [p for p in problems if not OWN_PATH.match(p)]


def test_hostile_text_is_escaped_in_every_page(client, hostile):  # noqa: ANN001, F811
    pages = {"/": "/?committee=bun&limit=200", "committee": "/committees/bun",
             **{item.id: f"/calls/{item.id}" for item in hostile[:12]}}
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert _problems(response.text) == [], (name, _problems(response.text)[:5])
    listing = client.get("/?committee=bun&limit=200").text
    assert all(item.title.replace("\x00", "") in _visible(listing) for item in hostile[:5])
    assert "<script>alert(1)</script>" not in listing and "&lt;script&gt;" in listing


def _visible(html: str) -> str:
    from bs4 import BeautifulSoup
    return BeautifulSoup(html, "lxml").get_text()


def test_hostile_text_stays_text_in_the_feeds(client, hostile):  # noqa: ANN001, F811
    raw = client.get("/feeds/bun.atom").content
    feed = feedparser.parse(raw)
    assert not feed.bozo and len(feed.entries) == 45
    by_title = {e.title: e for e in feed.entries}
    for item in hostile:
        entry = by_title[item.title]  # the markup came back as the same text
        assert entry.link.startswith(("https://example.org", "http://testserver/calls/")) or \
            entry.link == item.url and item.url.startswith(("http://", "https://"))
    hrefs = [e.get("href") for e in etree.fromstring(raw).iter() if e.get("href") is not None]
    assert len(hrefs) > 45 and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert b"<script" not in raw  # markup in titles and summaries is escaped text
    assert all(not link.get("href", "").lower().lstrip().startswith(("javascript", "data"))
               for e in feed.entries for link in e.links)
    calendar = Calendar.from_ical(client.get("/feeds/bun.ics").content)
    urls = [str(e["URL"]) for e in calendar.walk("VEVENT") if "URL" in e]
    assert urls and all(u.startswith(("https://", "http://")) for u in urls)


def test_feeds_are_rebuilt_after_a_write_and_answer_304_when_unchanged(client, seeded):  # noqa: ANN001, F811
    from tests.mailfixtures import item, tag
    first = client.get("/feeds/bun.ics")
    etag = first.headers["etag"]
    assert client.get("/feeds/bun.ics", headers={"if-none-match": etag}).status_code == 304
    seeded.upsert_items([item("N", "Ny förskoleutlysning", deadlines=[utc(2027, 6, 1)])],
                        now=NOW)
    seeded.replace_tags("eu-funding:N", [tag("bun", "förskola")], now=NOW)
    second = client.get("/feeds/bun.ics", headers={"if-none-match": etag})
    assert second.status_code == 200 and second.headers["etag"] != etag
    assert "Sista dag: Ny förskoleutlysning (1 juni 2027)" in events(second.content)
    atom = feedparser.parse(client.get("/feeds/bun.atom").content)
    assert atom.entries[0].title == "Ny förskoleutlysning"
