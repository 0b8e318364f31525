"""The store's boundary: SQL on the store's own tables runs only in ``monitor/store/``, and
what crosses the boundary is a frozen ``StoredItem`` chosen by a frozen ``ItemQuery``.

The SQL is found in the source text: every string literal (f-string parts too) of every
module outside the store is searched for a statement naming one of the store's tables, and
``db["items"]``-style table access is caught from the syntax tree.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from monitor import app
from monitor.model import CALL, Item, Tag
from monitor.store.rows import ItemQuery, StoredItem
from monitor.store.schema import STORE_TABLES
from tests.conftest import NOW

PACKAGE = Path(app.__file__).resolve().parent
STORE = PACKAGE / "store"

_TABLES = "|".join(sorted(STORE_TABLES, key=len, reverse=True))
#: a statement (or clause) that names a table: FROM items, JOIN tags, INTO item_history ...
SQL_ON_TABLE = re.compile(
    rf"\b(?:FROM|JOIN|INTO|UPDATE|TABLE(?:\s+IF\s+(?:NOT\s+)?EXISTS)?|PRAGMA\s+table_info\()"
    rf"\s*\(?\s*({_TABLES})\b", re.I)


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal with its line; an f-string's literal parts joined (so a table
    name is found even when the statement around it is built from pieces)."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef,
                                       ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
             for v in node.values}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else " ? " for v in node.values)
            found.append((node.lineno, text))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings and id(node) not in parts:
            found.append((node.lineno, node.value))
    return found


def _table_subscripts(tree: ast.AST) -> list[tuple[int, str]]:
    """``something["items"]`` / ``db.table("tags")``: sqlite-utils' table access."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and node.slice.value in STORE_TABLES and isinstance(node.value, (ast.Name,
                                                                               ast.Attribute)) \
                and (getattr(node.value, "attr", None) or getattr(node.value, "id", "")) == "db":
            found.append((node.lineno, f'db["{node.slice.value}"]'))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "table" and node.args \
                and isinstance(node.args[0], ast.Constant) and node.args[0].value in STORE_TABLES:
            found.append((node.lineno, f'table("{node.args[0].value}")'))
    return found


def sql_on_store_tables(source: str) -> list[tuple[int, str]]:
    """(line, what) of every place in ``source`` that runs SQL on a table of the store."""
    tree = ast.parse(source)
    hits = [(line, match.group(0)) for line, text in _strings(tree)
            for match in SQL_ON_TABLE.finditer(text)]
    return sorted(hits + _table_subscripts(tree))


def test_no_module_outside_the_store_runs_sql_on_its_tables():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if STORE in path.parents:
            continue
        for line, what in sql_on_store_tables(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {what}")
    assert offenders == [], "SQL on the store's tables outside monitor/store/ (add a store " \
                            "method):\n" + "\n".join(offenders)


def _feature_tables() -> dict[str, Path]:
    """Each feature's table and the module that creates it (its owner)."""
    owners: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if STORE in path.parents:
            continue
        for _, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            for name in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", text):
                assert owners.setdefault(name, path) == path, f"{name}: created in two modules"
    return owners


def test_a_feature_table_is_read_and_written_by_its_own_module_only():
    owners = _feature_tables()
    assert {"deliveries", "subscriptions", "source_health", "applications", "meeting_dates",
            "reminder_marks", "activities"} <= set(owners)
    assert not set(owners) & set(STORE_TABLES)
    names = "|".join(sorted(owners, key=len, reverse=True))
    sql = re.compile(rf"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s*\(?\s*({names})\b", re.I)
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            offenders += [f"{path.relative_to(PACKAGE.parent)}:{line}: {m.group(0)} (the "
                          f"table of {owners[m.group(1)].relative_to(PACKAGE.parent)})"
                          for m in sql.finditer(text) if owners[m.group(1)] != path]
    assert offenders == [], "SQL on a feature's table outside its module:\n" + "\n".join(
        offenders)


@pytest.mark.parametrize("code", [
    # the shapes the digests, dedup, retag, the web page and the CLI used before the boundary
    'rows = store.db.query("SELECT id, handle FROM items")',
    'store.conn.execute("SELECT (SELECT max(id) FROM item_history), (SELECT max(id) FROM polls)")',
    'sql = f"SELECT {cols} FROM items WHERE id > ? ORDER BY id LIMIT ?"',
    'q = ("SELECT items.id FROM items LEFT JOIN item_groups g ON g.item_id = items.id")',
    'where = "items.id IN (SELECT item_id FROM tags WHERE dimension = \'committee\')"',
    'conn.execute("DELETE FROM item_groups")',
    'conn.executemany("INSERT INTO item_groups (item_id, group_id) VALUES (?, ?)", rows)',
    'conn.execute("update items set status = ?", [s])',
    'cols = store.db["items"].columns',
    'store.db.table("tags").insert({})',
    'sql = f"SELECT a.*, i.title FROM applications a LEFT JOIN items i ON i.id = a.item_id {w}"',
])
def test_the_finder_sees_sql_on_a_store_table(code):
    assert sql_on_store_tables(code)


@pytest.mark.parametrize("code", [
    '"""Reads FROM items, in a docstring: prose, not SQL."""',
    'conn.execute("SELECT state FROM deliveries WHERE key = ?", [key])',  # the ledger's table
    'text = "from itemsets"',
    'label = t("no_items", lang)',
    'conn.execute("SELECT * FROM items_extra")',  # another table whose name starts alike
])
def test_the_finder_leaves_other_text_alone(code):
    assert sql_on_store_tables(code) == []


def test_the_old_digest_code_would_fail(tmp_path):
    # the digest's change log as it was written in monitor/digests/build.py before the boundary
    old = ('def _changes(store, since, until):\n'
           '    marks = ", ".join(f"\'{f}\'" for f in CHANGE_FIELDS)\n'
           '    for row in store.db.query(\n'
           '            f"SELECT item_id, field, old, new, changed_at FROM item_history WHERE"\n'
           '            f" field IN ({marks}) AND changed_at > ? ORDER BY id", [since]):\n'
           '        yield row\n')
    assert [what for _, what in sql_on_store_tables(old)] == ["FROM item_history"]


def test_items_and_queries_are_frozen(store):
    store.upsert_items([Item(source="s", native_id="1", kind=CALL, title="Skolutbyte", url="",
                             deadlines=[NOW.replace(year=NOW.year + 1)])], now=NOW)
    [item] = store.query_items(ItemQuery(kind=CALL), now=NOW)
    assert isinstance(item, StoredItem) and item.id == "s:1" and item.title == "Skolutbyte"
    assert item.status == "open" and item.deadlines == (item.deadline,)
    assert item.links == ({"id": "s:1", "source": "s", "url": ""},)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.title = "x"  # type: ignore[misc]
    query = ItemQuery(sources=["s"], statuses=["open"])
    assert query.sources == ("s",) and query.statuses == ("open",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.kind = CALL  # type: ignore[misc]
    with pytest.raises(ValueError, match="order"):
        ItemQuery(order="title")


def _call(native: str, title: str) -> Item:
    return Item(source="s", native_id=native, kind=CALL, title=title, url="",
                deadlines=[NOW.replace(year=NOW.year + 1)])


def test_remembering_shares_answers_until_another_connection_writes(tmp_path):
    from monitor.app import open_store

    with open_store(tmp_path / "monitor.db") as store:
        store.upsert_items([_call("1", "Skolutbyte")], now=NOW)
        query = ItemQuery(kind=CALL)
        assert store.snapshot_memo() is None  # nothing is remembered outside the block
        with store.remembering():
            first = store.query_items(query, now=NOW)
            again = store.query_items(query, now=NOW)
            assert again == first and again[0] is first[0]  # one frozen item, shared
            assert store.snapshot_memo() is not None
            with open_store(store.path) as other:  # another process polls meanwhile
                other.upsert_items([_call("2", "Kulturutbyte")], now=NOW)
            assert sorted(i.id for i in store.query_items(query, now=NOW)) == ["s:1", "s:2"]
            with store.write():  # inside a transaction (that may roll back) nothing is kept
                store.upsert_items([_call("3", "Idrottsutbyte")], now=NOW)
                assert len(store.query_items(query, now=NOW)) == 3
            assert len(store.query_items(query, now=NOW)) == 3  # its own item writes forget
            store.replace_tags("s:1", [Tag("committee", "bun", 0.9, ("t",), "t")], now=NOW)
            tagged = {i.id: i.committees for i in store.query_items(query, now=NOW)}
            assert tagged["s:1"] == ("bun",)
        store.upsert_items([_call("4", "Naturutbyte")], now=NOW)
        assert len(store.query_items(query, now=NOW)) == 4  # the block's memory is gone


def test_a_digest_run_gives_the_same_digests_with_and_without_remembering(config, store):
    from datetime import timedelta

    from monitor.digests.build import Period, build_digest
    from monitor.digests.dispatch import digest_message
    from monitor.digests.subscriptions import Subscription
    from monitor.mail.message import message_bytes

    store.upsert_items([_call(str(n), f"Skolutbyte {n}") for n in range(6)],
                       now=NOW - timedelta(days=1))
    for n in range(6):
        store.replace_tags(f"s:{n}", [Tag("committee", "bun" if n % 2 else "kfn", 0.9,
                                          ('term "skola" in title (+2)',), "t")], now=NOW)
    subs = [Subscription("bun", "a@example.org"), Subscription("all", "b@example.org")]

    def run() -> list[bytes]:
        out = []
        for sub in subs:
            period = Period.containing(NOW, sub.frequency, config.settings.tz)
            digest = build_digest(config, store, sub, period, since=NOW - timedelta(days=7),
                                  until=NOW)
            mail = message_bytes(digest_message(config, digest, NOW))
            out.append(re.sub(rb"=+\d+==", b"BOUNDARY", mail))  # a random boundary apart
        return out
    plain = run()
    assert b"Skolutbyte 1" in plain[0] and b"Skolutbyte 2" in plain[1]
    with store.remembering():
        assert run() == plain
