"""The shared HTTP client: conditional GET, retries, Retry-After, caps, timeouts, per-host order."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib
from dataclasses import replace

import httpx
import pytest
from werkzeug import Response

from monitor.app import load_config, open_store
from monitor.config.settings import HttpSettings
from monitor.errors import FetchError
from monitor.http.fetch import Fetcher, retry_after_seconds
from monitor.model import Item
from monitor.pipeline.ingest import poll
from monitor.sources.base import Source
from tests.conftest import NOW


class LinesSource(Source):
    """Test kind: one item per non-empty line ``id|title``; a line ``BROKEN`` fails parsing."""

    kind = "test-lines"

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        items = []
        for line in body.decode().splitlines():
            if line == "BROKEN":
                raise self.parse_error("broken line", url)
            if line.strip():
                native, title = line.split("|")
                items.append(Item(source=self.name, native_id=native, kind="call", title=title,
                                  url=f"{url}#{native}"))
        return items


def lines_config(config_dir, *urls):
    blocks = "".join(f'[[source]]\nname = "s{i}"\nkind = "test-lines"\nurl = "{u}"\n\n'
                     for i, u in enumerate(urls))
    (config_dir / "sources.toml").write_text(blocks)
    return load_config(config_dir)


def fetch_one(settings: HttpSettings, url: str, transport=None, sleeps=None):
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def go():
        async with Fetcher(settings, transport=transport,
                           sleep=sleep if sleeps is not None else asyncio.sleep) as f:
            return await f.for_source("x").get(url)
    return asyncio.run(go())


FAST = HttpSettings(timeout=2.0, retries=3, backoff=0.5, max_body_bytes=10_000)


def test_conditional_get_304_costs_no_parse(httpserver, config_dir):
    httpserver.expect_ordered_request("/feed").respond_with_response(
        Response("a|First\nb|Second\n", headers={"ETag": '"v1"', "Last-Modified": "Sat, 21 Nov 2026 10:00:00 GMT"}))
    httpserver.expect_ordered_request("/feed", headers={"If-None-Match": '"v1"'}).respond_with_response(
        Response(status=304))
    config = lines_config(config_dir, httpserver.url_for("/feed"))
    with open_store(":memory:") as store:
        [first] = poll(config, store, now=NOW)
        [second] = poll(config, store, now=NOW)
        assert (first.outcome, first.new) == ("ok", 2)
        assert (second.outcome, second.items_parsed, second.http_status) == ("unchanged", 0, 304)
        assert store.validators(httpserver.url_for("/feed")) == (
            '"v1"', "Sat, 21 Nov 2026 10:00:00 GMT")
        assert [p["outcome"] for p in store.polls("s0")] == ["unchanged", "ok"]
        assert store.count_items() == 2
    httpserver.check_assertions()


def test_validators_not_saved_when_parsing_fails(httpserver, config_dir):
    httpserver.expect_ordered_request("/feed").respond_with_response(
        Response("BROKEN", headers={"ETag": '"v1"'}))
    # the second request must not be conditional: nothing from v1 was stored
    httpserver.expect_ordered_request("/feed").respond_with_handler(
        lambda r: Response("a|A" if "If-None-Match" not in r.headers else "", status=200))
    config = lines_config(config_dir, httpserver.url_for("/feed"))
    with open_store(":memory:") as store:
        [first] = poll(config, store, now=NOW)
        assert first.outcome == "error" and "broken line" in first.error
        assert store.validators(httpserver.url_for("/feed")) == (None, None)
        [second] = poll(config, store, now=NOW)
        assert second.outcome == "ok" and second.new == 1


def test_retries_on_503_then_succeeds(httpserver):
    for _ in range(2):
        httpserver.expect_ordered_request("/r").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/r").respond_with_data("ok")
    sleeps: list[float] = []
    response = fetch_one(FAST, httpserver.url_for("/r"), sleeps=sleeps)
    assert response.status == 200 and response.content == b"ok"
    assert sleeps == [0.5, 1.0]  # exponential backoff


def test_429_honours_retry_after(httpserver):
    httpserver.expect_ordered_request("/r").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"})
    httpserver.expect_ordered_request("/r").respond_with_data("ok")
    sleeps: list[float] = []
    assert fetch_one(FAST, httpserver.url_for("/r"), sleeps=sleeps).status == 200
    assert sleeps == [7.0]


def test_retry_after_beyond_limit_fails_clearly(httpserver):
    httpserver.expect_request("/r").respond_with_data("no", status=503,
                                                      headers={"Retry-After": "3600"})
    with pytest.raises(FetchError, match="wait 3600 s"):
        fetch_one(replace(FAST, max_retry_after=60), httpserver.url_for("/r"), sleeps=[])


def test_gives_up_after_retries_and_names_status(httpserver):
    httpserver.expect_request("/r").respond_with_data("down", status=502)
    sleeps: list[float] = []
    with pytest.raises(FetchError, match=r"HTTP 502") as info:
        fetch_one(FAST, httpserver.url_for("/r"), sleeps=sleeps)
    assert info.value.status == 502 and len(sleeps) == 3


def test_404_is_not_retried(httpserver):
    httpserver.expect_request("/r").respond_with_data("gone", status=404)
    sleeps: list[float] = []
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_one(FAST, httpserver.url_for("/r"), sleeps=sleeps)
    assert sleeps == []


def test_body_cap_declared_and_streamed(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"x" * 20_000)
    with pytest.raises(FetchError, match="larger than the cap of 10000 bytes"):
        fetch_one(FAST, httpserver.url_for("/big"))

    def chunked():
        for _ in range(50):
            yield b"y" * 1000
    httpserver.expect_request("/stream").respond_with_response(Response(chunked()))
    with pytest.raises(FetchError, match="cap of 10000 bytes"):
        fetch_one(FAST, httpserver.url_for("/stream"))


def test_gzip_bomb_is_capped_after_decompression(httpserver):
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(bomb) < 10_000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="cap of 10000 bytes"):
        fetch_one(FAST, httpserver.url_for("/bomb"))


def test_timeout_is_not_retried(httpserver):
    def hang(request):
        time.sleep(1.5)
        return Response("late")
    httpserver.expect_request("/hang").respond_with_handler(hang)
    started = time.monotonic()
    with pytest.raises(FetchError, match="no answer within 0.5 s"):
        fetch_one(replace(FAST, timeout=0.5), httpserver.url_for("/hang"), sleeps=[])
    assert time.monotonic() - started < 1.4


def test_redirect_loop_is_stopped(httpserver):
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch_one(FAST, httpserver.url_for("/a"))


def test_redirect_to_other_scheme_is_refused(httpserver):
    httpserver.expect_request("/a").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="only http and https"):
        fetch_one(FAST, httpserver.url_for("/a"))


def test_a_link_with_control_characters_is_a_fetch_error(httpserver):
    # A link read from a response (a remissinstans PDF's href) may carry a vertical tab.
    with pytest.raises(FetchError, match="not a valid URL"):
        fetch_one(FAST, httpserver.url_for("/remiss/list\x0b.pdf"))


def test_one_request_at_a_time_per_host():
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        in_flight[host] = in_flight.get(host, 0) + 1
        peak[host] = max(peak.get(host, 0), in_flight[host])
        await asyncio.sleep(0.02)
        in_flight[host] -= 1
        return httpx.Response(200, text="ok")

    async def go():
        async with Fetcher(FAST, transport=httpx.MockTransport(handler)) as f:
            await asyncio.gather(*(f.for_source(f"s{i}").get(f"https://{host}/{i}")
                                   for i in range(4) for host in ("a.example", "b.example")))
    asyncio.run(go())
    assert peak == {"a.example": 1, "b.example": 1}


def test_failing_source_does_not_stop_others(httpserver, config_dir):
    httpserver.expect_request("/good").respond_with_data("a|A\n")
    httpserver.expect_request("/bad").respond_with_data("boom", status=500)
    config = lines_config(config_dir, httpserver.url_for("/bad"), httpserver.url_for("/good"))
    with open_store(":memory:") as store:
        reports = poll(config, store, now=NOW)
        assert [r.outcome for r in reports] == ["error", "ok"]
        assert "HTTP 500" in reports[0].error and reports[0].http_status == 500
        assert store.count_items("s1") == 1
        assert store.last_polls()["s0"]["error"].endswith("HTTP 500")


def test_retry_after_forms():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 30) == 30
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_requests_only_to_the_sources_own_host():
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="ok")

    async def go():
        async with Fetcher(FAST, transport=httpx.MockTransport(handler)) as f:
            http = f.for_source("s", "https://www.esf.se/utlysningar/", ["api.esf.se"])
            assert (await http.get("https://www.esf.se/utlysningar/x/")).status == 200
            assert (await http.get("https://API.esf.se/v1")).status == 200
            for url in ("https://evil.example/x", "http://127.0.0.1:8080/admin",
                        "http://169.254.169.254/latest/meta-data"):
                with pytest.raises(FetchError, match="refused, not on the source's host"):
                    await http.get(url)
            with pytest.raises(FetchError, match=r"http://\[broken/x: not a valid URL"):
                await http.get("http://[broken/x")  # a ValueError would escape the source
    asyncio.run(go())


TEXT = "Sista dag 15 januari – ansök".encode()


@pytest.mark.parametrize("encoding, body", [
    ("gzip", gzip.compress(TEXT)),
    ("deflate", zlib.compress(TEXT)),
    ("deflate", zlib.compress(TEXT)[2:-4]),  # raw deflate, as some servers send it
    ("identity", TEXT),
])
def test_compressed_bodies_are_decoded_and_text_works(httpserver, encoding, body):
    httpserver.expect_request("/enc").respond_with_data(
        body, headers={"Content-Encoding": encoding}, content_type="text/plain; charset=utf-8")
    response = fetch_one(FAST, httpserver.url_for("/enc"))
    assert response.content == TEXT
    assert response.text == "Sista dag 15 januari – ansök"  # not decompressed a second time


def test_only_decodable_encodings_are_asked_for_and_others_refused(httpserver):
    httpserver.expect_request("/br", headers={"Accept-Encoding": "gzip, deflate"}).respond_with_data(
        b"\x0b\x02\x80hej\x03", headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        fetch_one(FAST, httpserver.url_for("/br"))


def test_corrupt_gzip_is_a_fetch_error(httpserver):
    httpserver.expect_request("/bad").respond_with_data(
        gzip.compress(b"x" * 1000)[:20] + b"garbage" * 10, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="not valid gzip data"):
        fetch_one(FAST, httpserver.url_for("/bad"))


def test_redirects_stay_on_the_sources_hosts(httpserver):
    port = httpserver.port  # the server answers on localhost and on 127.0.0.1: two hosts
    assert httpserver.url_for("/").startswith("http://localhost:")
    httpserver.expect_request("/same").respond_with_data("", status=302, headers={"Location": "/ok"})
    httpserver.expect_request("/ok").respond_with_data("fine")
    httpserver.expect_request("/away").respond_with_data(
        "", status=302, headers={"Location": f"http://127.0.0.1:{port}/ok"})

    async def go(allowed):  # noqa: ANN001, ANN202
        async with Fetcher(FAST) as f:
            http = f.for_source("s", httpserver.url_for("/"), allowed)
            assert (await http.get(httpserver.url_for("/same"))).text == "fine"
            return await http.get(httpserver.url_for("/away"))
    with pytest.raises(FetchError, match="refused redirect to a host that is not the source's"):
        asyncio.run(go([]))
    assert asyncio.run(go(["127.0.0.1"])).text == "fine"  # a host the source trusts


def test_redirects_within_the_sources_site_are_followed():
    async def handler(request: httpx.Request) -> httpx.Response:
        targets = {"esf.se": "https://www.esf.se/utlysningar/",
                   "www.esf.se": None,
                   "evil.example": None}
        if request.url.path == "/to-ip":
            return httpx.Response(302, headers={"Location": "http://10.0.0.1/admin"})
        if request.url.path == "/to-lookalike":
            return httpx.Response(302, headers={"Location": "https://esf.se.evil.example/"})
        target = targets.get(request.url.host)
        if target and request.url.path == "/":
            return httpx.Response(301, headers={"Location": target})
        return httpx.Response(200, text=f"page on {request.url.host}")

    async def go():
        async with Fetcher(FAST, transport=httpx.MockTransport(handler)) as f:
            http = f.for_source("esf", "https://esf.se/")
            assert (await http.get("https://esf.se/")).text == "page on www.esf.se"
            for path in ("/to-ip", "/to-lookalike"):
                with pytest.raises(FetchError, match="refused redirect"):
                    await http.get(f"https://esf.se{path}")
    asyncio.run(go())
