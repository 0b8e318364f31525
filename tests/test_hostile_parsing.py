"""What fuzzing found in the parsers, each as a plain regression test (see
tests/reliability/test_fuzz.py for the fuzzing itself)."""

from __future__ import annotations

import json

import pytest

from monitor.errors import ParseError
from tests.hermetic import replaced
from tests.source_helpers import EU, SE, make_source

FEED = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        '<item><title>Bidrag {ref} kultur</title><link>https://feed.example/a</link></item>'
        '</channel></rss>')


@pytest.mark.parametrize("ref", ["&#xD800;", "&#99999999;", "&#x110000;"])
def test_impossible_character_reference_keeps_the_feed(ref: str) -> None:
    source = make_source("rss", "https://feed.example/rss", find_dates=False)
    [item] = source.parse(FEED.format(ref=ref).encode(), url=source.url)
    assert item.title == "Bidrag \ufffd kultur"


def page(depth: int) -> bytes:
    return (b"<html><body><main><h1>Bidrag</h1><ul class='calls'><li><a href='/a'>Kultur</a>"
            + b"<div>" * depth + b"Sista dag 1 februari 2027" + b"</div>" * depth
            + b"</li></ul></main></body></html>")


def test_html_nested_past_the_limit_is_a_parse_error_naming_the_page() -> None:
    source = make_source("html", "https://region.example/utlysningar/", item="ul.calls > li")
    assert [i.title for i in source.parse(page(200), url=source.url)] == ["Kultur"]
    with pytest.raises(ParseError, match=r"https://region.example/utlysningar/: HTML nested "
                                         r"more than 256 levels deep"):
        source.parse(page(5000), url=source.url)


def test_garbage_charset_in_a_meta_tag_falls_back_to_utf8() -> None:
    source = make_source("page", "https://www.uhr.se/x/")
    body = (SE / "constructed_uhr_atlas.html").read_bytes()
    body = replaced(body, b"<head>", b'<head><meta charset="ut\x00f-8\x1b">', 1)
    [item] = source.parse(body, url=source.url)
    assert item.title


@pytest.mark.parametrize("kind, url", [
    ("sedia", "https://api.tech.ec.europa.eu/search-api/prod/rest/search"),
    ("riksdagen", "https://data.riksdagen.se/dokumentlista/?utformat=json"),
    ("vinnova", "https://data.vinnova.se/api/utlysningar/"),
    ("wordpress", "https://wp.example/wp-json/wp/v2/posts"),
    ("haveyoursay", "https://ec.europa.eu/info/law/better-regulation/brpapi/searchInitiatives"),
])
def test_json_nested_too_deeply_is_a_parse_error(kind: str, url: str) -> None:
    source = make_source(kind, url)
    with pytest.raises(ParseError, match="nested too deeply"):
        source.parse(b"[" * 100_000 + b"]" * 100_000, url=url)


def test_numbers_where_lists_belong_do_not_crash_the_parsers() -> None:
    data = json.loads((EU / "constructed_haveyoursay_page.json").read_bytes())
    rows = (data.get("initiativeResultDtoPage") or {}).get("content") \
        or data["_embedded"]["initiativeResultDtoes"]
    rows[0]["currentStatuses"], rows[0]["topics"] = 5, 1.5
    source = make_source("haveyoursay", "https://ec.europa.eu/x")
    assert len(source.parse(json.dumps(data).encode(), url=source.url)) == len(rows)
    riksdagen = make_source("riksdagen", "https://data.riksdagen.se/dokumentlista/")
    body = json.dumps({"dokumentlista": {"dokument": 7}}).encode()
    assert riksdagen.parse(body, url=riksdagen.url) == []
