"""The store: idempotent upserts, change history, derived status, queries, full-text search."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlite_utils

from monitor.app import open_store
from monitor.model import Item, Tag
from monitor.store.database import fts_query
from monitor.store.rows import ItemQuery
from tests.conftest import NOW


def call(native_id: str = "A-1", **fields) -> Item:
    base = dict(source="eu", native_id=native_id, kind="call", title=f"Call {native_id}",
                url=f"https://example.org/{native_id}", summary="Skolutveckling i förskolan",
                deadlines=[NOW + timedelta(days=40)])
    base.update(fields)
    return Item(**base)


def test_polling_twice_stores_nothing_new(store):
    items = [call("A-1"), call("A-2")]
    first = store.upsert_items(items, poll_id=1, now=NOW)
    second = store.upsert_items(items, poll_id=2, now=NOW + timedelta(hours=6))
    assert sorted(first.new) == ["eu:A-1", "eu:A-2"] and not first.changed
    assert second.new == [] and second.changed == [] and second.unchanged == 2
    assert store.history("eu:A-1") == []
    row = store.get_item("eu:A-1")
    assert row.first_poll == 1 and row.last_poll == 2
    assert row.first_seen == NOW.isoformat() and row.updated == NOW.isoformat()
    assert row.last_seen == (NOW + timedelta(hours=6)).isoformat()


def test_moved_deadline_and_new_title_are_recorded(store):
    store.upsert_items([call()], poll_id=1, now=NOW)
    later = NOW + timedelta(days=1)
    moved = NOW + timedelta(days=60)
    result = store.upsert_items([call(title="Call A-1 (updated)", deadlines=[moved])],
                                poll_id=2, now=later)
    assert result.changed == ["eu:A-1"]
    changes = {h["field"]: h for h in store.history("eu:A-1")}
    assert set(changes) == {"title", "deadlines"}
    assert changes["title"]["old"] == "Call A-1" and changes["title"]["new"] == "Call A-1 (updated)"
    assert moved.isoformat() in changes["deadlines"]["new"]
    assert changes["deadlines"]["poll_id"] == 2 and changes["deadlines"]["changed_at"] == later.isoformat()
    row = store.get_item("eu:A-1")
    assert row.deadline == moved.isoformat() and row.updated == later.isoformat()


def test_status_derived_from_dates_not_label(store):
    past = NOW - timedelta(days=3)
    store.upsert_items([
        call("stale", status="open", deadlines=[past]),
        call("early", status="open", opens=NOW + timedelta(days=10)),
        call("two-stage", status="closed", opens=NOW - timedelta(days=30),
             deadlines=[past, NOW + timedelta(days=90)]),
    ], now=NOW)
    assert store.get_item("eu:stale").status == "closed"
    assert store.get_item("eu:stale").deadline is None
    assert store.get_item("eu:early").status == "forthcoming"
    two = store.get_item("eu:two-stage")
    assert two.status == "open" and two.deadline == (NOW + timedelta(days=90)).isoformat()
    assert len(two.deadlines) == 2


def test_roll_forward_moves_to_next_deadline_and_closes(store):
    first, second = NOW + timedelta(days=1), NOW + timedelta(days=5)
    store.upsert_items([call("multi", deadlines=[first, second]),
                        call("single", deadlines=[first])], now=NOW)
    assert store.roll_forward(NOW + timedelta(days=2)) == 2
    assert store.get_item("eu:multi").deadline == second.isoformat()
    single = store.get_item("eu:single")
    assert single.status == "closed" and single.deadline is None
    assert [h["field"] for h in store.history("eu:single")] == ["status"]
    assert store.roll_forward(NOW + timedelta(days=2)) == 0


def test_legislation_has_no_status(store):
    item = Item(source="se", native_id="prop-1", kind="legislation", title="Prop. 2025/26:1",
                url="https://example.org/p1", published=NOW)
    store.upsert_items([item], now=NOW)
    assert store.get_item("se:prop-1").status is None


def test_query_filters_and_order(store):
    store.upsert_items([
        call("late", deadlines=[NOW + timedelta(days=80)], programme="Erasmus+"),
        call("soon", deadlines=[NOW + timedelta(days=5)], programme="CERV"),
        call("none", deadlines=[], programme="LIFE"),
        call("closed", deadlines=[NOW - timedelta(days=1)]),
        Item(source="se", native_id="l1", kind="legislation", title="Lag", url="https://x.se"),
    ], now=NOW)
    ids = [r.id for r in store.query_items(ItemQuery(kind="call", include_closed=False), now=NOW)]
    assert ids == ["eu:soon", "eu:late", "eu:none"]
    assert [r.id for r in store.query_items(ItemQuery(kind="call", closing_within_days=30), now=NOW)] == ["eu:soon"]
    assert [r.id for r in store.query_items(ItemQuery(kind="call", programme="erasmus"), now=NOW)] == ["eu:late"]
    assert [r.id for r in store.query_items(ItemQuery(kind="call", statuses=["closed"]), now=NOW)] == ["eu:closed"]
    assert [r.id for r in store.query_items(ItemQuery(sources=["se"]), now=NOW)] == ["se:l1"]
    assert len(store.query_items(ItemQuery(kind="call", limit=2), now=NOW)) == 2


def test_full_text_search_prefix_and_swedish_letters(store):
    store.upsert_items([call("a", title="Stöd till äldreomsorgen", summary="Välfärdsteknik"),
                        call("b", title="Town twinning", summary="Cesis och Tyresö"),
                        call("c", title="Quantum sensing", summary="Space")], now=NOW)
    assert [r.id for r in store.query_items(ItemQuery(search="äldreomsorg"), now=NOW)] == ["eu:a"]
    assert [r.id for r in store.query_items(ItemQuery(search="cesis TYRESÖ"), now=NOW)] == ["eu:b"]
    assert store.query_items(ItemQuery(search="cesis quantum"), now=NOW) == []
    # FTS syntax in user text is taken literally, not as operators
    assert store.query_items(ItemQuery(search='"unbalanced AND ('), now=NOW) == []
    assert fts_query('a "b" c*') == '"a"* AND "b"* AND "c"*'


def test_search_index_follows_updates(store):
    store.upsert_items([call("a", title="Old words")], now=NOW)
    store.upsert_items([call("a", title="Fresh words")], now=NOW)
    assert store.query_items(ItemQuery(search="old"), now=NOW) == []
    assert [r.id for r in store.query_items(ItemQuery(search="fresh"), now=NOW)] == ["eu:a"]


def test_tags_filter_and_evidence(store):
    store.upsert_items([call("a"), call("b")], now=NOW)
    store.replace_tags("eu:a", [Tag("committee", "bun", 4.0, ('term "förskola"',), "terms"),
                                Tag("priority", "verksamhetsutveckling", 1.0, ("call",))], now=NOW)
    rows = store.query_items(ItemQuery(committee="bun"), now=NOW)
    assert [r.id for r in rows] == ["eu:a"]
    assert rows[0].committees == ("bun",)
    assert rows[0].priorities == ("verksamhetsutveckling",)
    assert rows[0].tags[0]["evidence"] == ['term "förskola"']
    store.replace_tags("eu:a", [], now=NOW)
    assert store.query_items(ItemQuery(committee="bun"), now=NOW) == []


def test_get_item_by_unique_native_id(store):
    store.upsert_items([call("X-9")], now=NOW)
    assert store.get_item("X-9").id == "eu:X-9"
    assert store.get_item("nope") is None


def test_failed_write_rolls_back(store):
    store.upsert_items([call("a")], now=NOW)
    try:
        with store.write():
            store.upsert_items([call("b")], now=NOW)
            raise RuntimeError("crash in the middle")
    except RuntimeError:
        pass
    assert store.get_item("eu:b") is None and store.count_items() == 1


def test_file_store_uses_wal_and_reopens(tmp_path):
    path = tmp_path / "sub" / "m.db"
    with open_store(path) as s:
        s.upsert_items([call("a")], now=NOW)
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with open_store(path) as s:
        assert s.count_items() == 1


def test_duplicate_ids_in_one_batch_keep_the_last(store):
    result = store.upsert_items([call("a", title="first"), call("a", title="second")], now=NOW)
    assert result.new == ["eu:a"]
    assert store.get_item("eu:a").title == "second"
    assert datetime.fromisoformat(store.get_item("eu:a").first_seen).tzinfo == timezone.utc


def test_search_knows_swedish_and_english_inflections(store):
    titles = {"a": "Skolan i centrum", "b": "Skolor och förskolor", "c": "Skolornas digitalisering",
              "d": "Stöd till skolors ledning", "e": "Skola för alla", "f": "Högskolan",
              "g": "Smart cities", "h": "Skolka inte"}
    store.upsert_items([call(k, title=v, summary="") for k, v in titles.items()], now=NOW)

    def found(text: str) -> set[str]:
        return {r.id.split(":")[1] for r in store.query_items(ItemQuery(search=text), now=NOW)}
    assert found("skola") == {"a", "b", "c", "d", "e"}
    assert found("skolorna") == {"a", "b", "c", "d", "e"}
    assert found("city") == {"g"}
    assert found("skola city") == set()
    assert found("digit") == {"c"}  # every word still works as a prefix


def test_an_older_search_index_is_rebuilt_when_opened(tmp_path):
    path = tmp_path / "old.db"
    with open_store(path) as s:
        s.upsert_items([call("a", title="Skolor i Tyresö", summary="")], now=NOW)
        # what an older monitor left: sqlite-utils' index of raw words, no version row
        s.conn.execute("DROP TABLE items_search")
        s.conn.execute("DELETE FROM store_meta")
        sqlite_utils.Database(s.conn)["items"].enable_fts(["title", "summary"],
                                                          create_triggers=True)
    with open_store(path) as s:
        assert "items_fts" not in s.db.table_names()
        assert [r.id for r in s.query_items(ItemQuery(search="skola"), now=NOW)] == ["eu:a"]
        s.upsert_items([call("b", title="Skolan", summary="")], now=NOW)  # old triggers gone
        assert {r.id for r in s.query_items(ItemQuery(search="skola"), now=NOW)} == {"eu:a", "eu:b"}
        # an older version writes again (it recreates its own index and fills only that)
        sqlite_utils.Database(s.conn)["items"].enable_fts(["title", "summary"],
                                                          create_triggers=True)
        s.conn.execute("INSERT INTO items (id, source, native_id, kind, title, first_seen, "
                       "last_seen, updated) VALUES ('eu:c', 'eu', 'c', 'call', 'Skolor', "
                       "'2026', '2026', '2026')")
    with open_store(path) as s:
        assert {r.id for r in s.query_items(ItemQuery(search="skola"), now=NOW)} == {
            "eu:a", "eu:b", "eu:c"}


def test_short_handles_are_stable_and_found(store, tmp_path):
    from monitor.store.search import HANDLE_RE, item_handle
    long_id = "regeringen-remisser:" + "remiss-av-betankandet-" * 8
    store.upsert_items([call("a"), Item(source="regeringen-remisser", native_id=long_id[20:],
                                        kind="legislation", title="Remiss", url=None)], now=NOW)
    handle = item_handle(long_id)
    assert HANDLE_RE.match(handle) and handle == item_handle(long_id)
    row = store.get_item(handle)
    assert row.id == long_id and row.handle == handle
    assert store.get_item(handle.upper()).id == long_id
    assert store.get_item(item_handle("eu:a")).id == "eu:a"
    # an older database without the column gets it when opened
    path = tmp_path / "old.db"
    with open_store(path) as s:
        s.upsert_items([call("b")], now=NOW)
        s.conn.execute("DROP INDEX items_handle")
        s.conn.execute("ALTER TABLE items DROP COLUMN handle")
    with open_store(path) as s:
        assert s.get_item(item_handle("eu:b")).id == "eu:b"
        s.conn.execute("UPDATE items SET handle = NULL")  # rows an older version wrote
    with open_store(path) as s:
        assert s.get_item(item_handle("eu:b")).id == "eu:b"
