"""The EU Funding & Tenders portal source, on recorded and constructed SEDIA responses."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from werkzeug import Request, Response

from monitor.app import load_config, open_store
from monitor.config.settings import SourceConfig
from monitor.errors import ParseError
from monitor.pipeline.ingest import poll
from monitor.sources.sedia import PORTAL, SediaSource
from tests.conftest import FIXTURES, NOW

EU = FIXTURES / "eu"


def source(**options) -> SediaSource:
    return SediaSource(SourceConfig(name="eu-funding", kind="sedia",
                                    url="https://api.example/search?apiKey=SEDIA&text=***",
                                    options=options), now=NOW)


STOCKHOLM = ZoneInfo("Europe/Stockholm")


def parse(name: str):
    body = (EU / name).read_bytes()
    return {i.native_id: i for i in source().parse(body, url="https://api.example/search")}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_genuine_topics():
    items = parse("sedia_search_open_topics_fundhunt.json")
    assert len(items) == 4
    item = items["HORIZON-CL5-2026-09-D4-03"]
    assert item.title.startswith("Advanced data platforms to integrate whole life carbon")
    assert item.url == f"{PORTAL}/topic-details/HORIZON-CL5-2026-09-D4-03"
    assert item.programme == "Horizon Europe"
    assert item.status == "open"  # the label; the store derives "closed" from the dates
    # "2026-09-15T00:00:00.000+0000" is a day: the end of 15 September where the monitor is.
    assert item.opens == datetime(2026, 5, 5, tzinfo=STOCKHOLM)
    assert item.deadlines == [datetime(2026, 9, 15, 23, 59, tzinfo=STOCKHOLM)]
    assert item.extra["deadline_date_only"] is True
    assert item.summary == ""  # the portal's summary only repeats the title
    assert item.extra["call_identifier"] == "HORIZON-CL5-2026-09"
    assert item.extra["types_of_action"] == ["HORIZON Innovation Actions"]
    assert item.resolved(NOW).status == "closed"


def test_genuine_cascade_calls_are_separate_items_with_all_cut_offs():
    items = parse("sedia_search_cascade_calls_fundhunt.json")
    assert set(items) == {"cascade-11143", "cascade-11145", "cascade-11265", "cascade-11264"}
    metu = items["cascade-11143"]
    assert metu.title == "METU Internships Offer"
    assert metu.url == f"{PORTAL}/competitive-calls-cs/46214053"
    assert metu.programme == "Digital Europe"
    assert len(metu.deadlines) == 7
    assert metu.resolved(NOW).deadline == utc(2027, 1, 3, 7, 59)
    assert "maximum amount of financial support" in metu.summary and "<" not in metu.summary
    assert metu.extra["parent_title"] == "Specialised education programmes in key capacity areas"
    assert metu.extra["budget"] == "30500"
    assert items["cascade-11265"].summary == ""  # "description": []


def test_constructed_mixed_rows():
    items = parse("sedia_constructed_mixed.json")
    assert set(items) == {"ERASMUS-EDU-2027-PI-ALL-INNO", "CERV-2026-CITIZENS-TOWN-TT",
                          "LIFE-2027-CET-LOCAL", "XYZ-2026-PILOT"}
    erasmus = items["ERASMUS-EDU-2027-PI-ALL-INNO"]  # the modern row won over its legacy twin
    assert erasmus.url.endswith("/topic-details/ERASMUS-EDU-2027-PI-ALL-INNO")
    assert erasmus.summary.startswith("Alliances for Innovation bring together schools & businesses.")
    assert "Second paragraph" in erasmus.summary
    assert erasmus.programme == "Erasmus+"
    assert erasmus.extra["keywords"] == ["innovation", "vocational"]
    resolved = erasmus.resolved(NOW)
    assert resolved.status == "open" and resolved.deadline == utc(2027, 3, 5, 16)
    cerv = items["CERV-2026-CITIZENS-TOWN-TT"]  # legacy only: human link built, status from dates
    assert cerv.url == f"{PORTAL}/topic-details/CERV-2026-CITIZENS-TOWN-TT"
    assert not cerv.url.endswith(".json")
    assert cerv.programme == "CERV" and cerv.resolved(NOW).status == "closed"
    life = items["LIFE-2027-CET-LOCAL"]
    assert life.programme == "LIFE"  # unknown id, known identifier prefix
    assert life.resolved(NOW).status == "forthcoming"
    assert items["XYZ-2026-PILOT"].programme == "12345678"  # unknown: the id is kept


@pytest.mark.parametrize("body, message", [
    (b"<html>maintenance</html>", "not JSON"),
    (b'{"error": "quota"}', "no 'results' list"),
    (json.dumps({"results": [{"metadata": {"type": ["1"]}}]}).encode(), "had an identifier"),
])
def test_unusable_responses_are_parse_errors(body, message):
    with pytest.raises(ParseError, match=message):
        source().parse(body, url="https://api.example/search")


def test_empty_result_list_is_zero_items():
    assert source().parse(b'{"totalResults": 0, "results": []}', url="u") == []


def test_paging_against_a_local_server(httpserver, config_dir):
    pages = {1: EU / "constructed_paged_p1.json", 2: EU / "constructed_paged_p2.json"}
    seen: list[dict] = []

    def handler(request: Request) -> Response:
        page = int(request.args["pageNumber"])
        seen.append({"page": page, "size": request.args["pageSize"],
                     "query": json.loads(request.files["query"].read()),
                     "query_type": request.files["query"].mimetype,
                     "languages": json.loads(request.files["languages"].read()),
                     "agent": request.headers.get("User-Agent")})
        return Response(pages[page].read_bytes(), content_type="application/json")

    httpserver.expect_request("/search", method="POST").respond_with_handler(handler)
    (config_dir / "sources.toml").write_text(
        f'[[source]]\nname = "eu-funding"\nkind = "sedia"\n'
        f'url = "{httpserver.url_for("/search")}?apiKey=SEDIA&text=***"\npage_size = 4\n')
    config = load_config(config_dir)
    with open_store(":memory:") as store:
        [report] = poll(config, store, now=NOW)
        assert report.outcome == "ok" and report.items_parsed == 8 and report.new == 8
        assert [s["page"] for s in seen] == [1, 2] and seen[0]["size"] == "4"
        must = seen[0]["query"]["bool"]["must"]
        assert {"terms": {"status": ["31094501", "31094502"]}} in must
        assert {"term": {"programmePeriod": "2021 - 2027"}} in must
        assert seen[0]["query_type"] == "application/json" and seen[0]["languages"] == ["en"]
        assert seen[0]["agent"].startswith("kommun-monitor/")
        assert store.count_items("eu-funding") == 8


def test_a_day_only_portal_deadline_is_the_same_day_in_cli_mail_and_calendar():
    from monitor.mail.message import display_day, long_date
    from monitor.model import from_iso, to_iso
    from monitor.text.i18n import format_datetime

    items = parse("sedia_search_cascade_calls_fundhunt.json")
    # The genuine "2027-02-14T23:59:00.000+0000" and "…T00:00:00.000+0000" values.
    scholarship = items["cascade-11265"]
    stored = [from_iso(to_iso(d)) for d in scholarship.deadlines]  # as the store gives them
    # CLI tables, the calendar's all-day event (display_day) and the mail's long date
    shown = {(format_datetime(d, STOCKHOLM), display_day(d, STOCKHOLM).isoformat(),
              long_date(d, STOCKHOLM)) for d in stored}
    raw = sorted(v[:10] for v in scholarship.raw["metadata"]["deadlineDate"])
    assert sorted(cli for cli, _, _ in shown) == raw  # the portal's own day, no "00:59"
    assert all(cli == day for cli, day, _ in shown)
    assert all(":" not in text and "kl." not in text for _, _, text in shown)
    genuine = parse("sedia_search_open_topics_fundhunt.json")["HORIZON-CL5-2026-09-D4-03"]
    assert format_datetime(genuine.deadlines[0], STOCKHOLM) == "2026-09-15"
    assert long_date(to_iso(genuine.deadlines[0]), STOCKHOLM) == "15 september 2026"
