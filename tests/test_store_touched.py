"""``query_items(touched=...)``: only the rows a digest can report, decided after collapsing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.model import CALL, LEGISLATION, Item
from monitor.pipeline.dedup import update_groups
from monitor.store.rows import ItemQuery
from tests.conftest import NOW, TZ

STHLM = ZoneInfo("Europe/Stockholm")
WEEK_AGO = NOW - timedelta(days=7)
OLD = NOW - timedelta(days=60)


def item(native_id: str, *, source: str = "s", kind: str = CALL, days: float | None = 100,
         summary: str = "", title: str | None = None) -> Item:
    deadlines = [NOW + timedelta(days=days)] if days is not None else []
    return Item(source=source, native_id=native_id, kind=kind, title=title or native_id,
                url=f"https://{source}.example/{native_id}", summary=summary,
                deadlines=deadlines)


def ids(rows: list[dict]) -> list[str]:
    return sorted(r.id for r in rows)


def test_new_changed_and_closing_rows_only(store):
    store.upsert_items([item("old"), item("moved"), item("closing", days=10),
                        item("closing-later", days=40), item("closed", days=-30)], now=OLD)
    store.upsert_items([item("new"), item("act", kind=LEGISLATION, days=None)],
                       now=NOW - timedelta(days=2))
    store.upsert_items([item("moved", days=120)], now=NOW - timedelta(days=1))
    store.roll_forward(WEEK_AGO - timedelta(days=1))  # "closed" closed before the window
    window = (WEEK_AGO, NOW)
    assert ids(store.query_items(ItemQuery(touched=window), now=NOW)) == ["s:act", "s:moved", "s:new"]
    assert ids(store.query_items(ItemQuery(touched=window, closing_until=NOW + timedelta(days=30)), now=NOW)) == ["s:act", "s:closing", "s:moved", "s:new"]
    # the filters before it still apply; a window with nothing in it gives nothing
    assert ids(store.query_items(ItemQuery(kind=CALL, touched=window), now=NOW)) == ["s:moved", "s:new"]
    assert store.query_items(ItemQuery(touched=(OLD - timedelta(days=9), OLD - timedelta(days=1))), now=NOW) == []
    assert ids(store.query_items(ItemQuery(touched=window, collapse_duplicates=False), now=NOW)) == [
        "s:act", "s:moved", "s:new"]


def test_decided_on_the_row_shown_for_a_group(store):
    """A poorer copy of a known call found this week is not news: the group shows the
    older, richer row, which was not touched in the window."""
    title = "Small projects for schools 2027"
    store.upsert_items([item("call", source="portal", title=title, summary="Long text")],
                       now=OLD)
    store.upsert_items([item("copy", source="agency", title=title)], now=NOW - timedelta(days=1))
    update_groups(store, TZ)
    assert ids(store.query_items(now=NOW)) == ["portal:call"]
    assert store.query_items(ItemQuery(touched=(WEEK_AGO, NOW)), now=NOW) == []
    # left out by a filter, the richer row no longer hides the copy, which is then news
    assert ids(store.query_items(ItemQuery(sources=["agency"], touched=(WEEK_AGO, NOW)), now=NOW)) == [
        "agency:copy"]
