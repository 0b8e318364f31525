"""Recording responses and replaying them: the exact layout and matching rules."""

from __future__ import annotations

import asyncio
import json

import pytest

from monitor.config.settings import HttpSettings
from monitor.errors import FetchError
from monitor.http.fetch import Fetcher
from monitor.http.replay import RecordingTransport, ReplayTransport, normalise_url


def write_replay(root, source, entries, bodies):
    folder = root / source
    folder.mkdir(parents=True)
    (folder / "index.json").write_text(json.dumps(entries))
    for name, body in bodies.items():
        (folder / name).write_bytes(body)


def entry(url, file, method="GET", status=200):
    return {"method": method, "url": url, "status": status, "content_type": "text/plain",
            "file": file}


async def requests(transport, source, calls):
    out = []
    async with Fetcher(HttpSettings(retries=0), transport=transport) as fetcher:
        http = fetcher.for_source(source)
        for method, url in calls:
            try:
                response = await (http.get(url) if method == "GET" else http.post(url))
                out.append((response.status, response.content.decode()))
            except FetchError as exc:
                out.append(("error", str(exc)))
    return out


def test_matching_by_method_and_url_ignoring_query_order(tmp_path):
    write_replay(tmp_path, "src", [
        entry("https://x.example/list?page=2&size=10", "p2.txt"),
        entry("https://x.example/list?size=10&page=1", "p1.txt"),
        entry("https://x.example/other", "fallback.txt"),
    ], {"p1.txt": b"one", "p2.txt": b"two", "fallback.txt": b"next-unused"})
    got = asyncio.run(requests(ReplayTransport(tmp_path), "src", [
        ("GET", "https://x.example/list?page=1&size=10"),
        ("GET", "https://x.example/list?page=2&size=10"),
        ("GET", "https://x.example/changed-url?since=2026-11-01"),
        ("GET", "https://x.example/list?page=1&size=10"),
    ]))
    assert got[:3] == [(200, "one"), (200, "two"), (200, "next-unused")]
    assert got[3][0] == "error"
    assert got[3][1] == "no recorded response for GET https://x.example/list?page=1&size=10"


def test_method_must_match_before_falling_back(tmp_path):
    write_replay(tmp_path, "src", [entry("https://x.example/a", "get.txt"),
                                   entry("https://x.example/a", "post.txt", method="POST")],
                 {"get.txt": b"G", "post.txt": b"P"})
    got = asyncio.run(requests(ReplayTransport(tmp_path), "src",
                               [("POST", "https://x.example/a"), ("GET", "https://x.example/a")]))
    assert got == [(200, "P"), (200, "G")]


def test_recorded_status_is_replayed(tmp_path):
    write_replay(tmp_path, "src", [entry("https://x.example/a", "e.txt", status=503)],
                 {"e.txt": b"down"})
    [(status, message)] = asyncio.run(requests(ReplayTransport(tmp_path), "src",
                                               [("GET", "https://x.example/a")]))
    assert status == "error" and "HTTP 503" in message


def test_missing_source_folder_and_bad_index(tmp_path):
    write_replay(tmp_path, "broken", [{"method": "GET"}], {})
    transport = ReplayTransport(tmp_path)
    [(kind, message)] = asyncio.run(requests(transport, "absent", [("GET", "https://x/")]))
    assert kind == "error" and "no recorded responses for source 'absent'" in message
    [(kind, message)] = asyncio.run(requests(transport, "broken", [("GET", "https://x/")]))
    assert kind == "error" and "not a valid replay index" in message
    with pytest.raises(FetchError, match="does not exist"):
        ReplayTransport(tmp_path / "nope")


def test_record_then_replay_round_trip(httpserver, tmp_path):
    httpserver.expect_request("/feed", query_string="b=2&a=1").respond_with_data(
        "<rss/>", content_type="application/rss+xml")
    httpserver.expect_request("/api", method="POST").respond_with_data('{"ok": true}', content_type="application/json")
    feed, api = httpserver.url_for("/feed") + "?b=2&a=1", httpserver.url_for("/api")
    recorded = asyncio.run(requests(RecordingTransport(tmp_path), "src",
                                    [("GET", feed), ("POST", api)]))
    index = json.loads((tmp_path / "src" / "index.json").read_text())
    assert [e["method"] for e in index] == ["GET", "POST"]
    assert index[0]["url"] == feed and index[0]["content_type"].startswith("application/rss+xml")
    assert index[0]["file"].endswith(".xml") and index[1]["file"].endswith(".json")
    httpserver.clear()  # the replay must not need the server
    replayed = asyncio.run(requests(ReplayTransport(tmp_path), "src",
                                    [("GET", feed), ("POST", api)]))
    assert replayed == recorded == [(200, "<rss/>"), (200, '{"ok": true}')]


def test_normalise_url():
    assert normalise_url("HTTPS://X.example/p?b=2&a=1") == "https://x.example/p?a=1&b=2"
    assert normalise_url("https://x.example") == "https://x.example/"
