"""One call through two sources: grouped, listed once (the richer row), with both links."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.model import CALL, LEGISLATION, Item
from monitor.pipeline.dedup import CallKey, group_calls, title_words, update_groups
from monitor.store.rows import ItemQuery
from tests.conftest import NOW, TZ
from tests.mailfixtures import mail_env, seeded  # noqa: F401 - fixtures

STHLM = ZoneInfo("Europe/Stockholm")
FEB1 = datetime(2027, 2, 1, 23, 59, tzinfo=STHLM)
MAR16 = datetime(2027, 3, 16, 12, 0, tzinfo=STHLM)


def call(source: str, native_id: str, title: str, *, programme: str | None = None,
         deadlines: tuple[datetime, ...] = (FEB1,), summary: str = "", kind: str = CALL,
         ) -> Item:
    return Item(source=source, native_id=native_id, kind=kind, title=title,
                url=f"https://{source}.example/{native_id}", programme=programme,
                deadlines=list(deadlines), summary=summary)


def key(item: Item) -> CallKey:
    return CallKey.from_row({"id": item.id, "source": item.source, "title": item.title,
                             "programme": item.programme, "summary": item.summary,
                             "deadlines": [d.isoformat() for d in item.deadlines]}, TZ)


def grouped(a: Item, b: Item) -> bool:
    """Whether production's grouping (``group_calls``) puts the two calls in one group."""
    groups = group_calls([key(a), key(b)])
    return a.id in groups and groups.get(a.id) == groups.get(b.id)


def test_title_words_drop_filler_and_punctuation():
    assert title_words("Call for small projects 2027 – Interreg!") == {
        "small", "projects", "2027", "interreg"}
    assert title_words("Erasmus+ KA2") == {"erasmusplus", "ka2"}


def test_same_titles_and_day_from_two_sources():
    portal = call("eu-funding", "INTERREG-BSR-SP-2027",
                  "Interreg Baltic Sea Region: call for small projects 2027",
                  deadlines=(datetime(2027, 3, 16, 11, 0, tzinfo=ZoneInfo("UTC")),))
    site = call("interreg-bsr", "30518", "Call for small projects 2027",
                programme="Interreg Baltic Sea Region", deadlines=(MAR16,))
    assert grouped(portal, site)
    later = call("interreg-bsr", "9", "Call for small projects 2027",
                 deadlines=(datetime(2027, 3, 17, 12, 0, tzinfo=STHLM),))
    assert not grouped(portal, later)  # another day: another call
    assert not grouped(site, call("interreg-bsr", "x", site.title,
                                  deadlines=(MAR16,)))  # same source


def test_contradicting_programmes_or_few_shared_words_are_not_grouped():
    school = call("a", "1", "Cooperation partnerships in school education",
                  programme="Erasmus+ school")
    adult = call("b", "2", "Cooperation partnerships in adult education",
                 programme="Erasmus+ adult")
    assert not grouped(school, adult)
    assert not grouped(call("a", "1", "Nordplus Junior 2027"),
                       call("b", "2", "Nordplus Adult 2027"))


def test_programme_round_unique_in_each_source_is_grouped_across_languages():
    keys = [key(call("nordplus", "junior", "Nordplus Junior – ansökan senast 2027-02-01",
                     programme="Nordplus Junior")),
            key(call("uhr", "/np-junior/", "Nordplus Junior", programme="Nordplus Junior")),
            key(call("nordplus", "adult", "Nordplus Adult – ansökan senast 2027-02-01",
                     programme="Nordplus Adult")),
            key(call("uhr", "/np-vuxen/", "Nordplus Vuxen", programme="Nordplus Adult"))]
    groups = group_calls(keys)
    assert groups == {"nordplus:junior": "nordplus:junior", "uhr:/np-junior/": "nordplus:junior",
                      "nordplus:adult": "nordplus:adult", "uhr:/np-vuxen/": "nordplus:adult"}


def test_programme_alone_is_not_enough_when_a_source_has_several_such_calls():
    keys = [key(call("eu-funding", "T1", "Topic on green schools", programme="Horizon Europe")),
            key(call("eu-funding", "T2", "Topic on smart grids", programme="Horizon Europe")),
            key(call("other", "X", "Municipal heat planning", programme="Horizon Europe"))]
    assert group_calls(keys) == {}


def test_calls_without_deadline_are_never_grouped():
    a = call("a", "1", "Nordplus Junior", programme="Nordplus Junior", deadlines=())
    b = call("b", "1", "Nordplus Junior", programme="Nordplus Junior", deadlines=())
    assert not grouped(a, b)


# ------------------------------------------------------------------------- through the store
def stored(store, items):  # noqa: ANN001, ANN201
    store.upsert_items(items, now=NOW)
    update_groups(store, TZ)
    return store


def test_query_items_lists_the_richer_row_once_with_both_links(store):
    rich = call("nordplus", "junior-2027", "Nordplus Junior – ansökan senast 2027-02-01",
                programme="Nordplus Junior", summary="Mobility and cooperation between schools")
    plain = call("uhr", "np-junior", "Nordplus Junior", programme="Nordplus Junior")
    other = call("uhr", "atlas", "Atlas partnerskap", programme="Atlas partnerskap",
                 deadlines=(datetime(2027, 3, 1, 23, 59, tzinfo=STHLM),))
    stored(store, [plain, rich, other])
    rows = store.query_items(ItemQuery(kind=CALL), now=NOW)
    assert [r.id for r in rows] == ["nordplus:junior-2027", "uhr:atlas"]
    assert [link["url"] for link in rows[0].links] == [
        "https://nordplus.example/junior-2027", "https://uhr.example/np-junior"]
    assert [link["source"] for link in rows[1].links] == ["uhr"]
    # Both stay stored; a filter that leaves out the richer one still shows the other.
    assert len(store.query_items(ItemQuery(kind=CALL, collapse_duplicates=False), now=NOW)) == 3
    [only] = store.query_items(ItemQuery(kind=CALL, sources=["uhr"], programme="Nordplus"), now=NOW)
    assert only.id == "uhr:np-junior"
    assert store.get_item("uhr:np-junior").links[1]["id"] == "nordplus:junior-2027"


def test_limit_counts_groups_not_rows(store):
    stored(store, [call("nordplus", "j", "Nordplus Junior 2027", programme="Nordplus Junior"),
                   call("uhr", "j", "Nordplus Junior", programme="Nordplus Junior"),
                   call("uhr", "a", "Atlas partnerskap", programme="Atlas",
                        deadlines=(datetime(2027, 3, 1, tzinfo=STHLM),))])
    assert len(store.query_items(ItemQuery(kind=CALL, limit=2), now=NOW)) == 2


def test_groups_follow_changes(store):
    a = call("nordplus", "j", "Nordplus Junior 2027", programme="Nordplus Junior")
    b = call("uhr", "j", "Nordplus Junior", programme="Nordplus Junior")
    stored(store, [a, b])
    assert len(store.query_items(ItemQuery(kind=CALL), now=NOW)) == 1
    b.deadlines = [datetime(2027, 2, 8, 23, 59, tzinfo=STHLM)]
    stored(store, [b])
    assert len(store.query_items(ItemQuery(kind=CALL), now=NOW)) == 2


def test_legislation_is_not_grouped(store):
    stored(store, [call("riksdagen", "1", "SOU 2026:8 Rättssäker samhällsvård", kind=LEGISLATION),
                   call("regeringen", "1", "SOU 2026:8 Rättssäker samhällsvård",
                        kind=LEGISLATION)])
    assert len(store.query_items(ItemQuery(kind=LEGISLATION), now=NOW)) == 2


def test_a_group_holds_one_item_per_source():
    """UHR's page lists both Nordplus days; each nordplus round is its own item. The page
    joins the first round only, and the October round stays a call of its own."""
    oct1 = datetime(2027, 10, 1, 23, 59, tzinfo=STHLM)
    keys = [key(call("uhr", "np", "Nordplus Junior", programme="Nordplus Junior",
                     deadlines=(FEB1, oct1))),
            key(call("nordplus", "feb", "Nordplus Junior – ansökan senast 2027-02-01",
                     programme="Nordplus Junior")),
            key(call("nordplus", "oct", "Nordplus Junior – ansökan senast 2027-10-01",
                     programme="Nordplus Junior", deadlines=(oct1,)))]
    assert group_calls(keys) == {"uhr:np": "nordplus:feb", "nordplus:feb": "nordplus:feb"}


def test_digest_lists_a_duplicate_once_with_the_other_link(config, seeded):  # noqa: F811
    from monitor.digests.build import Period, build_digest
    from monitor.digests.dispatch import digest_message
    from monitor.digests.subscriptions import Subscription
    from tests.mailfixtures import SECOND_POLL, utc

    copy = Item(source="uhr", native_id="erasmus-larare", kind=CALL,
                title="Lärarutbyten inom Erasmus+ 2027", url="https://www.uhr.se/erasmus-larare/",
                programme="Erasmus+", deadlines=[utc(2027, 1, 15)])
    seeded.upsert_items([copy], now=SECOND_POLL)
    update_groups(seeded, TZ)
    period = Period.containing(NOW, "weekly", config.settings.tz)
    digest = build_digest(config, seeded, Subscription("bun", "a@tyreso.se"), period,
                          since=period.start.replace(day=period.start.day - 7), until=NOW)
    [entry] = digest.groups[0].sections[0].entries
    assert entry.item_id == "eu-funding:D"  # the richer row (it has a summary and an opening)
    assert entry.also == ["uhr: https://www.uhr.se/erasmus-larare/"]
    text = digest_message(config, digest, NOW).get_body(("plain",)).get_content()
    assert "Även hos: uhr: https://www.uhr.se/erasmus-larare/" in text
