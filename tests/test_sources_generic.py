"""The generic kinds (rss, wordpress, html, page) on a real local HTTP server."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from monitor.app import load_config
from monitor.errors import ConfigError, FetchError, ParseError
from monitor.model import LEGISLATION
from tests.conftest import NOW
from tests.hermetic import replaced
from tests.source_helpers import EU, SE, by_id, fetch, make_source

STHLM = ZoneInfo("Europe/Stockholm")

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Region Stockholm: utlysningar</title>
<link>https://region.example/</link><description>Utlysningar</description>
<item><title>Utlysning: kultur i skolan 2027</title><link>/utlysningar/kultur-2027</link>
<guid>kultur-2027</guid><pubDate>Mon, 16 Nov 2026 09:00:00 +0100</pubDate>
<description>&lt;p&gt;Sista ansökningsdag 1 februari 2027. Beslut i april.&lt;/p&gt;</description></item>
<item><title>Nyhet: nytt kontor</title><link>/nyheter/kontor</link>
<pubDate>Tue, 17 Nov 2026 09:00:00 +0100</pubDate><description>Inget om utlysningar.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Calls</title><id>urn:calls</id>
<updated>2026-11-20T10:00:00Z</updated>
<entry><title>Call for youth projects</title><id>urn:call:7</id>
<link href="https://funder.example/calls/7"/><updated>2026-11-20T10:00:00Z</updated>
<content type="html">&lt;p&gt;Applications open 12 January 2027; deadline 16 March 2027.&lt;/p&gt;</content>
</entry></feed>"""


def serve(httpserver, path: str, body: str | bytes, content_type: str, **kwargs) -> str:  # noqa: ANN003
    httpserver.expect_request(path, **kwargs).respond_with_data(body, content_type=content_type)
    return httpserver.url_for(path)


# ----------------------------------------------------------------------------------- rss
def test_rss_entries_dates_include_and_relative_links(httpserver):
    url = serve(httpserver, "/feed", RSS, "application/rss+xml")
    items = fetch(make_source("rss", url, include=["utlysning"], programme="Region Stockholm"))
    [call] = items
    assert call.native_id == httpserver.url_for("/kultur-2027")  # feedparser resolves the guid
    assert call.url == httpserver.url_for("/utlysningar/kultur-2027")
    assert call.published == datetime(2026, 11, 16, 8, 0, tzinfo=timezone.utc)
    assert call.summary == "Sista ansökningsdag 1 februari 2027. Beslut i april."
    assert call.deadlines == [datetime(2027, 2, 1, 23, 59, tzinfo=STHLM)]
    assert call.programme == "Region Stockholm"
    [evidence] = [d for d in call.extra["dates"] if d["role"] == "deadline"]
    assert "Sista ansökningsdag 1 februari 2027" in evidence["text"]
    assert evidence["approximate"] is False


def test_atom_window_and_legislation_kind(httpserver):
    url = serve(httpserver, "/atom", ATOM, "application/atom+xml")
    [item] = fetch(make_source("rss", url, item_kind="legislation"))
    assert item.kind == LEGISLATION and item.url == "https://funder.example/calls/7"
    assert item.opens == datetime(2027, 1, 12, tzinfo=STHLM)
    assert item.deadlines == [datetime(2027, 3, 16, 23, 59, tzinfo=STHLM)]


@pytest.mark.parametrize("body, cause", [
    (b"<html><body>Maintenance</body></html>", "not an RSS or Atom feed"),
    (b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>x</tit", "broken feed"),
])
def test_rss_not_a_feed_is_a_parse_error(body, cause):
    source = make_source("rss", "https://region.example/feed")
    with pytest.raises(ParseError, match=cause):
        source.parse(body, url=source.url)


def test_rss_second_feed_in_extra_urls(httpserver):
    first = serve(httpserver, "/a", RSS, "application/rss+xml")
    second = serve(httpserver, "/b", ATOM, "application/atom+xml")
    items = fetch(make_source("rss", first, extra_urls=[second], find_dates=False))
    assert {i.native_id for i in items} == {httpserver.url_for("/kultur-2027"),
                                            httpserver.url_for("/nyheter/kontor"),
                                            "urn:call:7"}
    assert all(not i.deadlines for i in items)  # find_dates = false


# ----------------------------------------------------------------------------- wordpress
def post(number: int, title: str, text: str) -> dict:
    return {"id": number, "date": "2026-11-10T09:00:00", "date_gmt": "2026-11-10T08:00:00",
            "slug": f"p{number}", "link": f"https://wp.example/p{number}/",
            "title": {"rendered": title}, "content": {"rendered": f"<p>{text}</p>"},
            "excerpt": {"rendered": ""}}


def test_wordpress_pages_follow_total_pages_header(httpserver):
    pages = [[post(1, "Call A", "Deadline: 3 February 2027."), post(2, "Call B", "No date")],
             [post(3, "Call &#8211; C", "Sista ansökningsdag 5 mars 2027")]]
    for number, posts in enumerate(pages, start=1):
        httpserver.expect_ordered_request("/wp-json/wp/v2/posts", query_string={
            "lang": "sv", "per_page": "2", "page": str(number), "search": "call",
            "categories": "4,9"}).respond_with_json(posts, headers={"X-WP-TotalPages": "2"})
    source = make_source("wordpress", httpserver.url_for("/wp-json/wp/v2/posts?lang=sv"),
                         per_page=2, search="call", categories=[4, 9])
    items = by_id(fetch(source))
    httpserver.check_assertions()
    assert list(items) == ["1", "2", "3"]
    assert items["3"].title == "Call – C"
    assert items["3"].deadlines == [datetime(2027, 3, 5, 23, 59, tzinfo=STHLM)]
    assert items["1"].published == datetime(2026, 11, 10, 8, 0, tzinfo=timezone.utc)
    assert items["2"].deadlines == [] and items["2"].summary == "No date"


def test_wordpress_without_header_stops_on_a_short_page(httpserver):
    httpserver.expect_ordered_request("/posts", query_string={"per_page": "2", "page": "1"}
                                      ).respond_with_json([post(1, "A", ""), post(2, "B", "")])
    httpserver.expect_ordered_request("/posts", query_string={"per_page": "2", "page": "2"}
                                      ).respond_with_json([post(3, "C", "")])
    items = fetch(make_source("wordpress", httpserver.url_for("/posts"), per_page=2,
                              find_dates=False))
    assert [i.native_id for i in items] == ["1", "2", "3"]


def test_wordpress_error_object_is_a_parse_error():
    source = make_source("wordpress", "https://wp.example/wp-json/wp/v2/posts")
    body = json.dumps({"code": "rest_no_route", "message": "No route was found"}).encode()
    with pytest.raises(ParseError, match="rest_no_route: No route was found"):
        source.parse(body, url=source.url)


def test_interreg_shipped_settings_keep_calls_with_two_step_deadlines():
    source = make_source("wordpress", "https://interreg-baltic.eu/wp-json/wp/v2/posts",
                         search="call", include=["call"], programme="Interreg Baltic Sea Region")
    items = by_id(source.parse((EU / "constructed_interreg_bsr_wp_posts.json").read_bytes(),
                               url=source.url))
    assert set(items) == {"30518", "30422"}  # the conference news has no "call" in its title
    two_step = items["30422"]
    assert [d.date().isoformat() for d in two_step.deadlines] == ["2027-02-03", "2027-06-09"]
    small = items["30518"]
    assert small.opens == datetime(2027, 1, 12, tzinfo=STHLM)
    assert small.deadlines == [datetime(2027, 3, 16, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))]
    assert small.resolved(NOW).status == "forthcoming"


# ---------------------------------------------------------------------------------- html
LISTING = """<html><body><main><ul class="calls">
<li><a href="/utlysningar/a">Kulturstöd 2027</a> <time datetime="2026-11-02">2 november 2026</time></li>
<li><a href="/utlysningar/b">Föreningsbidrag</a> <time>15 oktober 2026</time></li>
<li>No link here</li></ul></main></body></html>"""
DETAIL_A = "<html><body><main><h1>Kulturstöd</h1><p>Ansökan öppnar 1 december 2026. " \
           "Sista ansökningsdag 31 januari 2027 kl. 16.00.</p></main></body></html>"


def test_html_listing_with_detail_pages(httpserver):
    url = serve(httpserver, "/utlysningar/", LISTING, "text/html")
    serve(httpserver, "/utlysningar/a", DETAIL_A, "text/html")
    httpserver.expect_request("/utlysningar/b").respond_with_data("gone", status=404)
    items = by_id(fetch(make_source("html", url, item="ul.calls > li", date="time",
                                    detail="main")))
    a, b = items["/utlysningar/a"], items["/utlysningar/b"]
    assert a.title == "Kulturstöd 2027" and a.url == httpserver.url_for("/utlysningar/a")
    assert a.published == datetime(2026, 11, 2, tzinfo=STHLM)
    assert a.opens == datetime(2026, 12, 1, tzinfo=STHLM)
    assert a.deadlines == [datetime(2027, 1, 31, 16, 0, tzinfo=STHLM)]
    assert a.summary.startswith("Kulturstöd\n")
    assert b.published == datetime(2026, 10, 15, tzinfo=STHLM)  # from the text: no attribute
    assert "HTTP 404" in b.extra["detail_error"] and not b.deadlines


def test_html_every_detail_page_failing_fails_the_source(httpserver):
    url = serve(httpserver, "/list", LISTING, "text/html")
    with pytest.raises(FetchError, match="HTTP 500"):
        fetch(make_source("html", url, item="ul.calls > li", detail="main"))


def test_html_redesign_gives_zero_items_not_an_error():
    source = make_source("html", "https://x.example/", item="ul.calls > li")
    assert source.parse(b"<html><body><div class='new-grid'></div></body></html>",
                        url=source.url) == []


def test_html_detail_selector_missing_on_the_page_is_a_parse_error(httpserver):
    url = serve(httpserver, "/list", replaced(LISTING, '<li><a href="/utlysningar/b">'
                                              'Föreningsbidrag</a> <time>15 oktober 2026'
                                              '</time></li>', ""), "text/html")
    serve(httpserver, "/utlysningar/a", "<html><body><div>No main</div></body></html>",
          "text/html")
    with pytest.raises(ParseError, match="no element matches detail selector 'main'"):
        fetch(make_source("html", url, item="ul.calls > li", detail="main"))


# ---------------------------------------------------------------------------------- page
def test_page_kind_reads_each_page_with_its_programme(httpserver):
    base = "/sok-finansiering/"
    first = serve(httpserver, base + "atlas/", (SE / "constructed_uhr_atlas.html").read_bytes(),
                  "text/html")
    other = serve(httpserver, base + "nordplus-junior/",
                  (SE / "constructed_uhr_nordplus_junior.html").read_bytes(), "text/html")
    source = make_source("page", first, programme="Atlas partnerskap",
                         pages=[{"url": other, "programme": "Nordplus Junior"}])
    items = by_id(fetch(source))
    atlas, junior = items["atlas-partnerskap"], items["nordplus-junior"]
    assert atlas.title == "Atlas partnerskap" and atlas.programme == "Atlas partnerskap"
    assert atlas.deadlines == [datetime(2027, 3, 1, 23, 59, tzinfo=STHLM)]
    assert "Uppdaterad" not in atlas.summary  # the footer is outside <main>
    # "Sista ansökningsdagar 2027 är • 1 februari • 1 oktober": the year comes from before.
    assert junior.deadlines == [datetime(2027, 2, 1, 23, 59, tzinfo=STHLM),
                                datetime(2027, 10, 1, 23, 59, tzinfo=STHLM)]
    assert all("Sista ansökningsdagar 2027" in d["text"] for d in junior.extra["dates"])


# ------------------------------------------------------------------------ configuration
@pytest.mark.parametrize("block, message", [
    ('kind = "rss"\nurl = "https://x.example/f"\nselector = "li"',
     "source[1] (x).selector: unknown key (valid: allowed_hosts, degraded_after, description, "
     "enabled, expect_items, extra_urls, failing_after, failing_days, find_dates, include, "
     "item_kind, kind, language, name, programme, url)"),
    ('kind = "html"\nurl = "https://x.example/"', "source[1] (x).item: required key is missing"),
    ('kind = "html"\nurl = "https://x.example/"\nitem = "li[[["',
     "source[1] (x).item: not a valid CSS selector"),
    ('kind = "wordpress"\nurl = "https://x.example/"\nper_page = 500',
     "source[1] (x).per_page: must be 1 to 100"),
    ('kind = "rss"\nurl = "https://x.example/"\nitem_kind = "news"',
     "source[1] (x).item_kind: must be one of call, legislation"),
    ('kind = "page"\nurl = "https://x.example/"\npages = [{ href = "https://x.example/b" }]',
     "unknown key 'href' (valid: programme, title, url)"),
    ('kind = "nordplus"\nurl = "https://x.example/"\ndeadlines = ["1 februari"]',
     'must be a list of "MM-DD" days'),
])
def test_bad_source_keys_are_refused_with_file_and_key(config_dir, block, message):
    (config_dir / "sources.toml").write_text(f'[[source]]\nname = "x"\n{block}\n',
                                             encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(config_dir)
    assert "sources.toml" in str(raised.value) and message in str(raised.value)
