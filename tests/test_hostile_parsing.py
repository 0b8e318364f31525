"""What fuzzing found in the parsers, each as a plain regression test (see
tests/reliability/test_fuzz.py for the fuzzing itself)."""

from __future__ import annotations

import json

import pytest

from monitor.errors import ParseError
from monitor.sources._shared import absolute
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


def test_a_link_the_url_parser_refuses_keeps_its_item() -> None:
    """Found by the fuzz soak (benchmarks/bench_fuzz.py): a stray "[" in a link raised
    ValueError("Invalid IPv6 URL") out of the parser, failing the whole source."""
    source = make_source("html", "https://region.example/utlysningar/", item="ul.calls > li")
    body = (b"<ul class='calls'><li><a href='http://[broken/utlysning'>Kultur</a></li>"
            b"<li><a href='/b'>Idrott</a></li></ul>")
    items = source.parse(body, url=source.url)
    assert [(i.title, i.url) for i in items] == [
        ("Kultur", "http://%5Bbroken/utlysning"),  # kept, the link as written, brackets encoded
        ("Idrott", "https://region.example/b")]
    assert absolute("https://a.example/x/", "//[::1/y") == "https://%5B::1/y"
    assert absolute("https://a.example/x/", "/p/[1]") == "https://a.example/p/[1]"  # valid: as is


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


def test_vinnova_numbers_where_its_lists_belong_keep_the_calls() -> None:
    """Found by the fuzz soak: ``LankLista`` or ``AnsokningsomgangDnrLista`` holding a number
    raised TypeError out of the parser, failing the whole source."""
    records = json.loads((SE / "inferred_vinnova_utlysningar.json").read_bytes())
    rows = records if isinstance(records, list) else next(
        v for v in records.values() if isinstance(v, list))
    rows[0]["LankLista"], rows[0]["AnsokningsomgangDnrLista"] = 5, 3
    source = make_source("vinnova", "https://data.vinnova.se/api/utlysningar/")
    items = source.parse(json.dumps(records).encode(), url=source.url)
    assert len(items) == len([r for r in rows if "DiarienummerUtlysning" not in r])


def test_riksdagen_a_broken_character_in_an_id_keeps_the_document() -> None:
    """Found by the fuzz soak: a lone surrogate (\\ud800 in the JSON) in ``dok_id`` raised
    UnicodeEncodeError while its riksdagen.se link was built."""
    data = json.loads((SE / "riksdagen_dokumentlista_bet_page1.json").read_bytes())
    documents = data["dokumentlista"]["dokument"]
    documents[0]["dok_id"] = "\ud800" + documents[0]["dok_id"]
    documents[0]["dokument_url_html"] = "//[broken" + str(documents[0].get("dokument_url_html"))
    source = make_source("riksdagen", "https://data.riksdagen.se/dokumentlista/")
    items = source.parse(json.dumps(data).encode(), url=source.url)
    assert len(items) == len(documents)
