"""``monitor calls`` reads the calls not closed in its order up to its limit, from an index,
instead of sorting every call (issue 15, point 8: 38 ms of a 50-row listing on 100,000
items). Checked on SQLite's query plan of the listing's own statement, and on its rows."""

from __future__ import annotations

from benchmarks.synthetic import synthetic_items
from monitor.app import open_store
from monitor.store.rows import ItemQuery
from tests.conftest import NOW

LISTING = dict(kind="call", include_closed=False, eligible_only=True, order="deadline")


def _statements(store, **query) -> tuple[list, list[str]]:  # noqa: ANN001
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        rows = store.query_items(ItemQuery(**query), now=NOW)
    finally:
        store.conn.set_trace_callback(None)
    return rows, [s for s in seen if s.startswith("SELECT items.*")]


def test_the_calls_listing_reads_its_order_from_an_index(tmp_path):
    with open_store(tmp_path / "monitor.db") as store:
        store.upsert_items(synthetic_items(400, seed=1), now=NOW)
        store.roll_forward(NOW)
        rows, [sql] = _statements(store, **LISTING, limit=20)
        plan = " / ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "items_open_calls_order" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan
        everything, _ = _statements(store, **LISTING)
    assert rows == everything[:20]  # the same first rows as the unlimited listing
    assert rows and all(r.status != "closed" for r in rows)
    keys = [(r.deadline is None, r.deadline or "", r.title) for r in everything]
    assert keys == sorted(keys)


def test_the_legislation_listing_reads_newest_first_from_an_index(tmp_path):
    with open_store(tmp_path / "monitor.db") as store:
        store.upsert_items(synthetic_items(400, seed=1), now=NOW)
        query = dict(kind="legislation", order="published")
        rows, [sql] = _statements(store, **query, limit=20)
        plan = " / ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "items_newest" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan
        everything, _ = _statements(store, **query)
    assert rows and rows == everything[:20]
    keys = [(r.published or r.first_seen, r.title) for r in everything]
    assert [k[0] for k in keys] == sorted((k[0] for k in keys), reverse=True)


def test_a_grouped_row_looks_up_only_its_own_group(tmp_path):
    """The duplicate check of each grouped row starts from its group's members, whatever the
    filter (a status or a closing window made SQLite scan every matching call per row)."""
    with open_store(tmp_path / "monitor.db") as store:
        store.upsert_items(synthetic_items(400, seed=1), now=NOW)
        for query in (dict(statuses=("open",)), dict(include_closed=False,
                                                      closing_within_days=30)):
            _, [sql] = _statements(store, kind="call", order="deadline", limit=50, **query)
            plan = [r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
            inner = plan[plan.index(next(p for p in plan if "SUBQUERY" in p)) + 1]
            assert inner.startswith("SEARCH other USING INDEX item_groups_group"), plan
