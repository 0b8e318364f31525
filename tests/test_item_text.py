"""Item text from a source is made storable: one-line titles, no control characters, no lone
surrogates, whatever the server sent."""

from __future__ import annotations

from monitor.app import open_store
from monitor.config.settings import SourceConfig
from monitor.model import Item, one_line, scrub, storable_text
from monitor.sources.base import Source
from tests.conftest import NOW


def test_storable_text_replaces_lone_surrogates_and_drops_controls() -> None:
    assert storable_text("a\ud800b") == "a\ufffdb"
    assert storable_text("\ud83d\ude00") == "\U0001f600"  # a pair from a JSON escape is kept
    assert storable_text("a\x00b\x07c\x1b[0m\x7f") == "abc[0m"
    assert storable_text("line\r\nnext\ttab") == "line\r\nnext\ttab"


def test_one_line_joins_every_kind_of_line_break() -> None:
    assert one_line(" a\r\nb\u2028c\u0085d\x0be\x1cf  ") == "a b c d e f"


def test_scrub_reaches_nested_values_and_keys() -> None:
    assert scrub({"k\ud800": ["x\x00", {"y": "\udfff"}], "n": 1}) == {
        "k\ufffd": ["x", {"y": "\ufffd"}], "n": 1}


def test_checked_items_can_be_stored_whatever_their_text() -> None:
    source = Source(SourceConfig(name="s", kind="x", url="https://example.org/"), now=NOW)
    item = Item(source="", native_id="id\ud800", kind="call", title="Title\r\nBcc: x\x00",
                url="https://example.org/1", summary="para\n\npara\x00", programme="P\nQ",
                raw={"t": "\ud800"}, extra={"e": ["\x00"]})
    [checked] = source.check_items([item])
    assert (checked.native_id, checked.title, checked.summary, checked.programme) == (
        "id\ufffd", "Title Bcc: x", "para\n\npara", "P Q")
    with open_store(":memory:") as store:
        result = store.upsert_items([checked], now=NOW)
        assert result.new == ["s:id\ufffd"]
        assert store.get_item("s:id\ufffd").title == "Title Bcc: x"
