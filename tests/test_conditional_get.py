"""Conditional GET across the source kinds: a re-poll of unchanged sources is all 304.

The recorded responses are served by a real local server (pytest-httpserver) that sends
ETag and/or Last-Modified and answers 304 to a request whose validators match; the sources
keep their configured URLs and a transport sends their requests to that server.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from werkzeug import Request, Response

from benchmarks.localsite import LocalSite, LocalSiteTransport, Route, get_counts
from monitor.app import load_config, open_store
from monitor.pipeline.ingest import poll
from tests.conftest import NOW, REPLAY
from tests.hermetic import replaced

WP = "https://wp.example/wp-json/wp/v2/posts"


def site_server(httpserver, site: LocalSite) -> int:  # noqa: ANN001
    """Answer every request on the test server from ``site``; return the port."""
    def answer(request: Request) -> Response:
        scheme, _, rest = request.path.lstrip("/").partition("/")
        query = request.query_string.decode()
        url = f"{scheme}://{rest}" + (f"?{query}" if query else "")
        status, headers, body = site.answer(request.method, url,
                                            {k.lower(): v for k, v in request.headers.items()})
        return Response(body, status=status, headers=headers)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(answer)
    return httpserver.port


def poll_site(config, store, port: int, **kwargs):  # noqa: ANN001, ANN003, ANN201
    transport = LocalSiteTransport(port)
    reports = {r.source: r for r in poll(config, store, transport=transport, **kwargs)}
    assert not [r.error for r in reports.values() if r.failed]
    return reports, dict((s, (gets, n304)) for s, gets, n304 in get_counts(transport.counts))


@pytest.mark.parametrize("etag", [True, False], ids=["etag", "last-modified"])
def test_repoll_of_every_shipped_source_is_all_304(httpserver, config, etag):
    site = LocalSite(etag=etag, last_modified=not etag)
    site.add_replay(REPLAY)
    port = site_server(httpserver, site)
    with open_store(":memory:") as store:
        first, _ = poll_site(config, store, port, now=NOW)
        second, counts = poll_site(config, store, port, now=NOW)
    assert all(r.items_parsed for r in first.values())
    get_sources = set(first) - {"eu-funding"}  # it POSTs its query: HTTP has no 304 for that
    assert set(counts) == get_sources
    assert {s: n304 == gets for s, (gets, n304) in counts.items()} == dict.fromkeys(
        get_sources, True)
    assert {s: (r.outcome, r.items_parsed) for s, r in second.items() if s in get_sources} \
        == dict.fromkeys(get_sources, ("unchanged", 0))


def test_validators_older_than_a_day_are_not_sent(httpserver, config):
    site = LocalSite()
    site.add_replay(REPLAY)
    port = site_server(httpserver, site)
    with open_store(":memory:") as store:
        poll_site(config, store, port, names=["uhr", "nordplus"], now=NOW)
        same_day, _ = poll_site(config, store, port, names=["uhr", "nordplus"],
                                now=NOW + timedelta(hours=23))
        next_day, counts = poll_site(config, store, port, names=["uhr", "nordplus"],
                                     now=NOW + timedelta(hours=25))
    assert [r.outcome for r in same_day.values()] == ["unchanged", "unchanged"]
    # dates read relative to today (yearly deadlines, "1 februari") are read again daily
    assert [(r.outcome, r.items_parsed > 0) for r in next_day.values()] == [(
        "ok", True), ("ok", True)]
    assert counts == {"uhr": (8, 0), "nordplus": (4, 0)}


def test_only_the_changed_page_is_read(httpserver, config):
    site = LocalSite()
    site.add_replay(REPLAY)
    port = site_server(httpserver, site)
    url = "https://www.uhr.se/internationella-mojligheter/samarbete-och-utbyte/" \
          "sok-finansiering/atlas-partnerskap/"
    with open_store(":memory:") as store:
        poll_site(config, store, port, names=["uhr"], now=NOW)
        route = site.routes[("GET", url)]
        site.add("GET", url, Route(route.content_type, replaced(
            route.body, b"</main>", b"<p>Sista ans\xc3\xb6kningsdag 3 mars 2027.</p></main>")))
        reports, counts = poll_site(config, store, port, names=["uhr"], now=NOW)
        assert (reports["uhr"].outcome, reports["uhr"].items_parsed) == ("ok", 1)
        assert counts == {"uhr": (8, 7)}
        assert store.count_items("uhr") == 8  # the unchanged pages' items stay stored


def wordpress_config(config_dir, per_page: int = 2):  # noqa: ANN001, ANN201
    (config_dir / "sources.toml").write_text(
        f'[[source]]\nname = "wp"\nkind = "wordpress"\nurl = "{WP}"\nper_page = {per_page}\n'
        'find_dates = false\n', encoding="utf-8")
    return load_config(config_dir)


def wp_page(site: LocalSite, page: int, ids: list[int], total: int) -> None:
    posts = [{"id": i, "link": f"https://wp.example/p{i}/", "title": {"rendered": f"Call {i}"},
              "content": {"rendered": "<p>text</p>"}} for i in ids]
    site.add("GET", f"{WP}?per_page=2&page={page}", Route(
        "application/json", json.dumps(posts).encode(), headers={"X-WP-TotalPages": str(total)}))


def test_wordpress_pages_each_conditional_and_a_shorter_listing_ends(httpserver, config_dir):
    config = wordpress_config(config_dir)
    site = LocalSite()
    wp_page(site, 1, [1, 2], total=2)
    wp_page(site, 2, [3], total=2)
    port = site_server(httpserver, site)
    with open_store(":memory:") as store:
        first, _ = poll_site(config, store, port, now=NOW)
        assert first["wp"].items_parsed == 3
        assert all(store.validators(f"{WP}?per_page=2&page={n}")[0] for n in (1, 2))
        # page 1 unchanged says nothing of page 2: it is asked too, and is unchanged
        second, counts = poll_site(config, store, port, now=NOW)
        assert (second["wp"].outcome, counts) == ("unchanged", {"wp": (2, 2)})
        wp_page(site, 2, [3, 4], total=2)  # an edit on the second page only
        third, counts = poll_site(config, store, port, now=NOW)
        assert (third["wp"].outcome, third["wp"].new, counts) == ("ok", 1, {"wp": (2, 1)})
        del site.routes[("GET", f"{WP}?page=2&per_page=2")]  # the listing got shorter
        fourth, counts = poll_site(config, store, port, now=NOW)
        assert (fourth["wp"].outcome, counts) == ("unchanged", {"wp": (2, 1)})
