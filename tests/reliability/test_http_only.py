"""Only http(s), only the source's own hosts, anywhere.

- Configuration: every kind refuses a ``file://`` URL, a local path and other schemes in
  ``url`` and in every option that holds URLs (``extra_urls``, ``pages``, ``plan_url``).
- Polls: an html and a regeringen-remisser listing served on 127.0.0.1 link their detail
  pages to 127.0.0.2 (a second real server), 10.0.0.1, 169.254.169.254, another name of the
  same server, and an own-host page that redirects to 127.0.0.2. Every request the poll makes
  is recorded below httpx: all went to 127.0.0.1, and the 127.0.0.2 server saw none. The items
  keep their listing data and the refusal as their detail error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from monitor.app import load_config, open_store
from monitor.errors import ConfigError
from monitor.pipeline.ingest import poll
from monitor.sources import registry
from monitor.store.rows import ItemQuery
from tests.conftest import FIXTURES, NOW
from tests.hermetic import replaced
from tests.reliability.corpus import monitor_kinds, seeds

BAD_URLS = ["file:///etc/passwd", "/var/feeds/x.xml", "ftp://example.org/x", "http:///x",
            "javascript:alert(1)"]
URL_OPTIONS = {"extra_urls": lambda bad: [bad], "plan_url": lambda bad: bad,
               "pages": lambda bad: [{"url": bad, "programme": "X"}]}


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def block_toml(block: dict) -> str:
    return "[[source]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in block.items())


def one_block_per_kind() -> dict[str, dict]:
    blocks = {}
    for seed in seeds():
        blocks.setdefault(seed.block["kind"], {**seed.block, "name": "s"})
    assert set(blocks) == monitor_kinds()
    return blocks


def config_error(config_dir: Path, block: dict) -> ConfigError | None:
    (config_dir / "sources.toml").write_text(block_toml(block), encoding="utf-8")
    try:
        load_config(config_dir)
    except ConfigError as exc:
        return exc
    return None


def test_every_kind_refuses_non_http_urls_in_every_url_key(config_dir, figure):  # noqa: ANN001
    checked = 0
    for kind, block in one_block_per_kind().items():
        assert config_error(config_dir, block) is None, kind  # the block itself is valid
        for bad in BAD_URLS:
            error = config_error(config_dir, {**block, "url": bad})
            assert error is not None and error.key.endswith(".url"), (kind, bad)
            assert "http:// or https://" in str(error) and "sources.toml" in str(error)
            checked += 1
            for option, make in URL_OPTIONS.items():
                if option in registry.get(kind).options:
                    error = config_error(config_dir, {**block, option: make(bad)})
                    assert error is not None and option in error.key, (kind, option, bad)
                    checked += 1
    figure(f"{checked} non-http(s) URLs in {len(monitor_kinds())} kinds' url, extra_urls, "
           f"pages and plan_url: all refused at config load")


class Spy(httpx.AsyncBaseTransport):
    """The real network, with every request's URL written down."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.urls: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def elsewhere():
    """A second real server on another loopback address: the one nothing may reach."""
    server = HTTPServer(host="127.0.0.2", port=0)
    server.expect_request(re.compile(".*")).respond_with_data("<main>internal</main>")
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def foreign_links(httpserver, elsewhere, prefix: str) -> list[str]:  # noqa: ANN001
    """Detail links elsewhere, and one own-host page that redirects elsewhere."""
    httpserver.expect_request(f"{prefix}moved/").respond_with_data(
        "", status=302, headers={"Location": elsewhere.url_for(f"{prefix}moved/")})
    return [elsewhere.url_for(f"{prefix}a/"), f"http://10.0.0.1{prefix}b/",
            f"http://169.254.169.254{prefix}c/",
            f"http://localhost:{httpserver.port}{prefix}d/", f"{prefix}moved/"]


def serve_regeringen(httpserver, links: list[str]) -> str:  # noqa: ANN001
    listing = (FIXTURES / "se" / "regeringen_remisser_listing.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="(/remisser/20\d\d/[^"]+)"', listing)
    for href, link in zip(dict.fromkeys(hrefs), links):
        listing = replaced(listing, f'href="{href}"', f'href="{link}"')
    httpserver.expect_request("/remisser/").respond_with_data(listing, content_type="text/html")
    detail = (FIXTURES / "se" / "constructed_regeringen_remiss_strong.html").read_bytes()
    httpserver.expect_request(re.compile(r"/remisser/20.*")).respond_with_data(
        detail, content_type="text/html")
    return httpserver.url_for("/remisser/").replace("localhost", "127.0.0.1")


def serve_html(httpserver, links: list[str]) -> str:  # noqa: ANN001
    own = ["/utlysningar/e/", "/utlysningar/f/"]
    items = "".join(f'<li><a href="{link}">Utlysning {n}</a></li>'
                    for n, link in enumerate(links + own))
    httpserver.expect_request("/utlysningar/").respond_with_data(
        f'<html><body><ul class="calls">{items}</ul></body></html>', content_type="text/html")
    for path in own:
        httpserver.expect_request(path).respond_with_data(
            "<main>Sista ansökningsdag 31 januari 2027.</main>", content_type="text/html")
    return httpserver.url_for("/utlysningar/").replace("localhost", "127.0.0.1")


def test_listings_linking_elsewhere_make_no_request_there(httpserver, elsewhere, config_dir,  # noqa: ANN001
                                                          figure):
    remisser = serve_regeringen(httpserver,
                                foreign_links(httpserver, elsewhere, "/remisser/2026/07/"))
    calls = serve_html(httpserver, foreign_links(httpserver, elsewhere, "/utlysningar/x/"))
    (config_dir / "sources.toml").write_text(
        f'[[source]]\nname = "remisser"\nkind = "regeringen-remisser"\nurl = "{remisser}"\n\n'
        f'[[source]]\nname = "calls"\nkind = "html"\nurl = "{calls}"\n'
        f'item = "ul.calls > li"\ndetail = "main"\n', encoding="utf-8")
    spy = Spy()
    config = load_config(config_dir)
    with open_store(config.settings.database) as store:
        reports = {r.source: r for r in poll(config, store, transport=spy, now=NOW)}
        rows = store.query_items(ItemQuery(limit=100, include_closed=True), now=NOW)
    assert all(r.outcome == "ok" for r in reports.values()), reports
    hosts = {httpx.URL(url).host for url in spy.urls}
    assert hosts == {"127.0.0.1"}, spy.urls
    assert elsewhere.log == []
    refused = [row for row in rows if "refused" in (row.extra.get("detail_error") or "")]
    by_source = {name: sum(1 for row in refused if row.source == name)
                 for name in ("remisser", "calls")}
    assert by_source == {"remisser": 5, "calls": 5}, by_source
    assert sum("refused redirect" in row.extra["detail_error"] for row in refused) == 2
    figure(f"2 listings with 5 foreign detail links each (127.0.0.2, 10.0.0.1, "
           f"169.254.169.254, another host name, a redirect to 127.0.0.2): {len(spy.urls)} "
           f"requests, all to 127.0.0.1; 0 reached 127.0.0.2; 10 items kept with the refusal")
