"""The sources' own codes (Riksdagen organ, Have your say topics, EU portal codes) as
committee hints, shown in the evidence like any rule, also after a re-tag."""

from __future__ import annotations

import pytest

from monitor.app import load_config, open_store
from monitor.config.settings import database_path
from monitor.errors import ConfigError
from monitor.matchers import build_tagger
from monitor.matchers.retag import retag
from monitor.model import Item
from tests.conftest import NOW
from tests.hermetic import edit_file


def report(**extra: object) -> Item:
    # "ensamhet" alone (weak, +1.5 in a title) does not reach the threshold of 3
    return Item(source="riksdagen", native_id="bet-1", kind="legislation", url="u",
                title="Åtgärder mot ensamhet", language="sv", extra=dict(extra))


def test_riksdagen_organ_is_a_hint_with_evidence(config):
    tagger = build_tagger(config)
    assert not tagger.analyse(report()).committees
    analysis = tagger.analyse(report(organ="SoU"))
    assert set(analysis.committees) == {"aon"}  # words + hint; san has only the hint
    evidence = [c.evidence for c in analysis.scores["aon"]]
    assert "code organ=SoU (Riksdagen: socialutskottet) → aon (+2)" in evidence
    assert analysis.score("san") == 2  # the hint alone stays below the threshold
    assert list(analysis.priorities) == ["omvarldsbevakning"]


def test_have_your_say_topics_and_codes_case_ignored(config):
    tagger = build_tagger(config)
    item = Item(source="haveyoursay", native_id="1", kind="legislation", url="u",
                language="en", title="Revision of the rules on water reuse",
                extra={"topics": ["environment"]})
    analysis = tagger.analyse(item)
    assert "shn" in analysis.committees
    assert any(c.evidence.startswith("code topics=environment") for c in analysis.scores["shn"])


def test_retag_reads_the_stored_codes(config):
    with open_store(database_path(config)) as store:
        store.upsert_items([report(organ="SoU")], now=NOW)
        retag(store, build_tagger(config), now=NOW)
        tags = store.tags_for(["riksdagen:bet-1"])["riksdagen:bet-1"]
    committee = [t for t in tags if t["dimension"] == "committee"]
    assert [t["tag"] for t in committee] == ["aon"]
    assert any("organ=SoU" in e for e in committee[0]["evidence"])


def test_a_bad_code_table_names_its_key(config_dir):
    edit_file(config_dir / "matching.toml",
              ('field = "organ"\nvalues = ["UbU"]', 'field = "colour"\nvalues = ["UbU"]'))
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    assert caught.value.key == "code[1].field" and "organ" in str(caught.value)


CONSTRUCTED_RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- CONSTRUCTED: a EUR-Lex RSS entry in the documented shape, with <category> descriptors -->
<rss version="2.0"><channel><title>EUR-Lex</title>
<link>https://eur-lex.europa.eu/EN/display-feed.rss?rssId=162</link>
<item><title>CELEX:32026R0999: Regulation (EU) 2026/999 on the collection of textiles</title>
<link>https://eur-lex.europa.eu/./legal-content/AUTO/?uri=CELEX:32026R0999</link>
<category>waste management</category><category>textile industry</category>
<guid isPermaLink="false">x-1</guid><pubDate>Fri, 20 Nov 2026 10:05:12 +0100</pubDate>
</item></channel></rss>"""


def test_eurlex_subject_descriptors_are_kept_and_hint(config, tmp_path):
    from tests.source_helpers import make_source, parse_file
    feed = tmp_path / "feed.rss"
    feed.write_bytes(CONSTRUCTED_RSS)
    source = make_source("eurlex", "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=162")
    [item] = parse_file(source, feed)
    assert item.extra["subjects"] == ["waste management", "textile industry"]
    analysis = build_tagger(config).analyse(item)
    assert any(c.evidence.startswith("code subjects=waste management")
               for c in analysis.scores.get("shn", ()))


def test_a_code_kept_only_in_the_raw_row_counts(config):
    item = report()
    item.raw = {"organ": "SoU", "titel": item.title}
    assert set(build_tagger(config).analyse(item).committees) == {"aon"}
