"""A poll stores page by page: each page's items (and validators) before the next is read."""

from __future__ import annotations

import copy

from werkzeug import Request, Response

from monitor.app import load_config, open_store
from monitor.pipeline.ingest import poll
from tests.conftest import NOW
from tests.factories import sedia_page, sedia_row, sources_toml

PER_PAGE = 10


def _serve(httpserver, pages: dict[int, bytes | None]) -> list[int]:
    asked: list[int] = []

    def handler(request: Request) -> Response:
        page = int(request.args["pageNumber"])
        asked.append(page)
        body = pages[page]
        if body is None:
            return Response("<html>maintenance</html>", status=200, content_type="text/html")
        return Response(body, content_type="application/json")
    httpserver.expect_request("/search").respond_with_handler(handler)
    return asked


def _page(number: int, rows: list[dict]) -> bytes:
    return sedia_page(rows, total=3 * PER_PAGE, page=number, page_size=PER_PAGE)


def _rows(page: int) -> list[dict]:
    return [sedia_row(i) for i in range((page - 1) * PER_PAGE, page * PER_PAGE)]


def _poll(httpserver, config_dir):  # noqa: ANN001, ANN202
    (config_dir / "sources.toml").write_text(sources_toml(httpserver.url_for("/search"),
                                                          page_size=PER_PAGE))
    config = load_config(config_dir)
    store = open_store(config.settings.database)
    [report] = poll(config, store, now=NOW)
    return store, report


def test_pages_read_before_a_failure_are_kept(httpserver, config_dir):
    asked = _serve(httpserver, {1: _page(1, _rows(1)), 2: _page(2, _rows(2)), 3: None})
    store, report = _poll(httpserver, config_dir)
    with store:
        assert asked == [1, 2, 3]
        assert report.outcome == "error" and "not JSON" in report.error
        assert store.count_items() == 2 * PER_PAGE  # the two good pages, whole
        assert store.conn.execute("SELECT outcome FROM polls").fetchone() == ("error",)


def test_a_call_repeated_on_a_later_page_keeps_the_better_row(httpserver, config_dir):
    first, second = _rows(1), _rows(2)
    bare = copy.deepcopy(first[0])
    del bare["metadata"]["descriptionByte"]
    richer = copy.deepcopy(first[1])
    del first[1]["metadata"]["descriptionByte"]  # page 1 has it without a description
    _serve(httpserver, {1: _page(1, first), 2: _page(2, second + [bare, richer]),
                        3: _page(3, [])})
    store, report = _poll(httpserver, config_dir)
    with store:
        assert report.outcome == "ok", report.error
        assert store.count_items() == 2 * PER_PAGE
        summaries = dict(store.conn.execute(
            "SELECT native_id, summary FROM items WHERE native_id IN (?, ?)",
            ("SYNTH-2027-TOPIC-000000", "SYNTH-2027-TOPIC-000001")).fetchall())
    assert "Description of synthetic topic 0" in summaries["SYNTH-2027-TOPIC-000000"]
    assert "Description of synthetic topic 1" in summaries["SYNTH-2027-TOPIC-000001"]
    assert report.new == 2 * PER_PAGE
