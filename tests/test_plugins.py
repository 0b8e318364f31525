"""One plugin shape: sources, matchers and channels are classes registered by kind, each with
its docstring and its options schema; a source declares its requests and the base class
sends them as conditional GETs."""

from __future__ import annotations

import json

import pytest

from benchmarks.localsite import LocalSite, Route
from monitor.app import load_config, open_store
from monitor.config.settings import Key
from monitor.errors import FetchError
from monitor.http.replay import normalise_url
from monitor.mail.channels import Channel
from monitor.mail.channels import registry as channels
from monitor.matchers import registry as matchers
from monitor.model import Item
from monitor.registry import Registry
from monitor.sources import Source
from monitor.sources import registry as sources
from monitor.sources.base import Request
from tests.conftest import NOW
from tests.source_helpers import by_id, fetch, make_source
from tests.test_conditional_get import poll_site, site_server

FAMILIES = {"source": sources, "matcher": matchers, "channel": channels}
LIST = "https://scratch.example/list"


def shipped(registry: Registry) -> list[type]:
    """The kinds the monitor ships (tests may define more)."""
    return [cls for cls in registry if cls.__module__.startswith("monitor.")]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_kind_of_every_family_has_a_docstring_and_an_options_schema(family):
    registry = FAMILIES[family]
    assert isinstance(registry, Registry) and registry.what == family
    kinds = shipped(registry)
    assert len(kinds) >= 2
    for cls in kinds:
        assert registry.get(cls.kind) is cls
        assert len(cls.description()) > 40, f"{family} kind {cls.kind!r} has no docstring"
        schema = cls.options_schema()
        assert schema and all(isinstance(spec, Key) for spec in schema.values()), cls.kind


def test_the_three_families_ship_the_kinds_they_had():
    assert [c.kind for c in shipped(channels)] == ["outbox", "smtp"]
    assert [c.kind for c in shipped(matchers)] == ["code", "eligibility", "exclude", "priority",
                                                   "programme", "terms"]
    assert len(shipped(sources)) == 13


def test_a_channel_kind_defined_twice_is_refused():
    with pytest.raises(RuntimeError, match="channel kind 'smtp' defined twice"):
        type("OtherSmtp", (Channel,), {"kind": "smtp", "__doc__": "Another."})


def test_a_channel_schema_is_the_mail_settings_own():
    smtp = channels.get("smtp").options
    assert smtp["smtp_port"].default == 587 and smtp["smtp_port"].check(0)
    assert "smtp_password" not in smtp  # only from the environment, never a file key


@pytest.mark.parametrize("lang, label", [("sv", "Nycklar:"), ("en", "Keys:")])
@pytest.mark.parametrize("group, registry", [("sources", sources), ("matchers", matchers),
                                             ("mail", channels)])
def test_each_family_lists_its_kinds_with_docstring_and_keys(cli, group, registry, lang, label):
    result = cli("--lang", lang, group, "kinds")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    for cls in shipped(registry):
        assert f" {cls.kind} " in f" {text} "
        assert " ".join(cls.description().split("\n", 1)[0].split()) in text
        first_key, spec = next(iter(cls.options_schema().items()))
        assert f"{first_key} ({spec.type_name()})" in text
    key_lines = [line for line in result.stdout.splitlines()
                 if line.startswith(label + " ") and "``" not in line]  # not a docstring's
    assert len(key_lines) == len(shipped(registry))


def define_list_source(**methods):  # noqa: ANN003, ANN201
    """A source kind that declares its requests and reads JSON ``{"items": [...]}``; it
    counts what it parses in ``parsed``."""
    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        data = json.loads(body)
        type(self).parsed.append(url)
        return [Item(source=self.name, native_id=str(i), kind="call", title=f"Call {i}",
                     url=f"https://scratch.example/{i}") for i in data["items"]]
    return type("ScratchList", (Source,), {
        "__doc__": "A scratch listing.", "kind": "scratch-list", "parsed": [],
        "parse": parse, **methods})


def add_page(site: LocalSite, page: int, ids: list[int], more: bool) -> None:
    site.add("GET", f"{LIST}?lang=sv&page={page}", Route(
        "application/json", json.dumps({"items": ids, "more": more}).encode()))


def serve_scratch(httpserver, config_dir,  # noqa: ANN001, ANN201
                  pages: dict[int, tuple[list[int], bool]]):
    """The configuration with one source of the scratch kind, and a local server (sending
    ETags) with ``pages``: page number → (item ids, whether more follow)."""
    (config_dir / "sources.toml").write_text(
        f'[[source]]\nname = "scratch"\nkind = "scratch-list"\nurl = "{LIST}"\n',
        encoding="utf-8")
    site = LocalSite(etag=True, last_modified=False)
    for page, (ids, more) in pages.items():
        add_page(site, page, ids, more)
    return load_config(config_dir), site, site_server(httpserver, site)


def test_a_source_that_declares_only_its_request_gets_the_304_handled(httpserver, config_dir):
    cls = define_list_source(request=lambda self: Request(self.url,
                                                          params={"lang": "sv", "page": 1}))
    config, site, port = serve_scratch(httpserver, config_dir, {1: ([1, 2], False)})
    with open_store(":memory:") as store:
        first, _ = poll_site(config, store, port, now=NOW)
        assert (first["scratch"].outcome, first["scratch"].items_parsed) == ("ok", 2)
        assert store.validators(f"{LIST}?lang=sv&page=1")[0]  # the ETag, saved with the items
        second, counts = poll_site(config, store, port, now=NOW)
        assert (second["scratch"].outcome, second["scratch"].items_parsed) == ("unchanged", 0)
        assert counts == {"scratch": (1, 1)}  # one GET, answered 304
        assert cls.parsed == [f"{LIST}?lang=sv&page=1"]  # the 304 was never parsed
        assert store.count_items("scratch") == 2
        add_page(site, 1, [1, 2, 3], more=False)
        third, counts = poll_site(config, store, port, now=NOW)
        assert (third["scratch"].outcome, third["scratch"].new, counts) == ("ok", 1,
                                                                             {"scratch": (1, 0)})


def test_a_paged_listing_reads_on_after_a_304_and_ends_where_it_got_shorter(httpserver,
                                                                           config_dir):
    def request(self):  # noqa: ANN001, ANN202
        return Request(self.url, params={"lang": "sv", "page": 1})

    def next_request(self, request, response):  # noqa: ANN001, ANN202
        following = request.following(params={"lang": "sv", "page": request.page + 2})
        if response is None:
            return following
        return following if json.loads(response.content)["more"] else None

    cls = define_list_source(request=request, next_request=next_request)
    config, site, port = serve_scratch(httpserver, config_dir, {
        1: ([1, 2], True), 2: ([3, 4], True), 3: ([5], False)})
    with open_store(":memory:") as store:
        first, counts = poll_site(config, store, port, now=NOW)
        assert (first["scratch"].items_parsed, counts) == (5, {"scratch": (3, 0)})
        # page 1 unchanged says nothing of the pages after it: each is asked, and unchanged
        second, counts = poll_site(config, store, port, now=NOW)
        assert (second["scratch"].outcome, counts) == ("unchanged", {"scratch": (3, 3)})
        add_page(site, 2, [3, 4, 6], more=False)  # an edit on page 2 that ends the listing
        cls.parsed.clear()
        third, counts = poll_site(config, store, port, now=NOW)
        assert (third["scratch"].outcome, third["scratch"].new) == ("ok", 1)
        assert cls.parsed == [f"{LIST}?lang=sv&page=2"] and counts == {"scratch": (2, 1)}
        add_page(site, 2, [3, 4], more=True)
        poll_site(config, store, port, now=NOW)  # page 3 is asked again, unchanged
        del site.routes[("GET", normalise_url(f"{LIST}?lang=sv&page=3"))]  # shorter: 404
        fourth, counts = poll_site(config, store, port, now=NOW)
        assert (fourth["scratch"].outcome, counts) == ("unchanged", {"scratch": (3, 2)})
        assert store.count_items("scratch") == 6  # nothing stored was lost


def test_a_source_that_joins_its_answers_reads_an_unchanged_one_again(httpserver, config_dir):
    """``read_together`` (vinnova's calls and rounds): all unchanged is unchanged; when one
    changed, the other is asked again without validators, so the join sees both whole."""
    def requests(self):  # noqa: ANN001, ANN202
        return [Request(self.url, params={"lang": "sv", "page": n}) for n in (1, 2)]

    async def fetch(self, http):  # noqa: ANN001, ANN202
        first, second = await self.read_together(http)
        return self.parse(json.dumps({"items": json.loads(first.content)["items"]
                                      + json.loads(second.content)["items"]}).encode(),
                          url=self.url)

    define_list_source(requests=requests, fetch=fetch)
    config, site, port = serve_scratch(httpserver, config_dir, {1: ([1, 2], False),
                                                                2: ([3], False)})
    with open_store(":memory:") as store:
        first, counts = poll_site(config, store, port, now=NOW)
        assert (first["scratch"].items_parsed, counts) == (3, {"scratch": (2, 0)})
        second, counts = poll_site(config, store, port, now=NOW)
        assert (second["scratch"].outcome, counts) == ("unchanged", {"scratch": (2, 2)})
        add_page(site, 2, [3, 4], more=False)
        third, counts = poll_site(config, store, port, now=NOW)
        assert (third["scratch"].items_parsed, third["scratch"].new) == (4, 1)
        assert counts == {"scratch": (3, 1)}  # page 1: 304, then again without validators


def test_a_source_that_declares_its_item_pages_gets_them_read(httpserver):
    """``detail_request``/``read_item_page``: each item's own page is read after the listing;
    a missing one keeps the item with the error while the others are read; when every one
    fails, the listing is likely wrong and the source fails."""
    def read_item_page(self, item, response):  # noqa: ANN001, ANN202
        item.summary = json.loads(response.content)["text"]

    define_list_source(
        detail_request=lambda self, item: Request(httpserver.url_for(f"/item/{item.native_id}"),
                                                  conditional=False),
        read_item_page=read_item_page)
    httpserver.expect_request("/list").respond_with_json({"items": [1, 2, 3]})
    for number in (1, 3):
        httpserver.expect_request(f"/item/{number}").respond_with_json(
            {"text": f"Sista dag {number}"})
    for number in (2, 4):
        httpserver.expect_request(f"/item/{number}").respond_with_data("gone", status=404)
    items = by_id(fetch(make_source("scratch-list", httpserver.url_for("/list"))))
    assert (items["1"].summary, items["3"].summary) == ("Sista dag 1", "Sista dag 3")
    assert "HTTP 404" in items["2"].extra["detail_error"] and not items["2"].summary
    httpserver.clear()
    httpserver.expect_request("/list").respond_with_json({"items": [2, 4]})
    for number in (2, 4):
        httpserver.expect_request(f"/item/{number}").respond_with_data("gone", status=404)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(make_source("scratch-list", httpserver.url_for("/list")))
