"""Building digests from the store: sections, windows, narrowing and widening, golden mails."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from monitor.digests.build import Period, build_digest
from monitor.digests.dispatch import digest_message
from monitor.digests.subscriptions import Subscription
from monitor.mail.message import message_bytes
from monitor.model import Tag
from tests.conftest import NOW, ROOT
from tests.hermetic import check_golden
from tests.mailfixtures import item as item_
from tests.mailfixtures import mail_env, parse, seeded, utc  # noqa: F401 - fixtures

GOLDEN = ROOT / "tests" / "golden"
TZ = "Europe/Stockholm"


def _digest(config, store, sub: Subscription, since: datetime | None = None):  # noqa: ANN001, ANN202
    period = Period.containing(NOW, sub.frequency, config.settings.tz)
    since = since or period.start.replace(day=period.start.day - 7)
    return build_digest(config, store, sub, period, since=since, until=NOW)


def _sections(digest) -> dict[str, list[str]]:  # noqa: ANN001
    out: dict[str, list[str]] = {}
    for group in digest.groups:
        for section in group.sections:
            out.setdefault(section.key, []).extend(e.item_id.split(":")[1] for e in section.entries)
    return out


def test_period_parse_and_containing(config):  # noqa: ANN001
    tz = config.settings.tz
    week = Period.parse("2026-W48", tz)
    assert (week.label, week.frequency) == ("2026-W48", "weekly")
    assert week.start.isoformat() == "2026-11-23T00:00:00+01:00"
    assert week.end.isoformat() == "2026-11-30T00:00:00+01:00"
    assert Period.containing(NOW, "weekly", tz).label == "2026-W47"
    assert Period.containing(NOW, "daily", tz).label == "2026-11-22"
    assert Period.parse("2026-11-22", tz).title("sv") == "22 november 2026"
    assert week.title("sv") == "v.48" and week.title("en") == "week 48"
    for bad in ("2026-W54", "2026-48", "22/11/2026", ""):
        with pytest.raises(ValueError, match="ISO week"):
            Period.parse(bad, tz)


def test_committee_digest_sections(config, seeded):  # noqa: ANN001, F811
    digest = _digest(config, seeded, Subscription("bun", "a@tyreso.se"))
    assert _sections(digest) == {"new_calls": ["D"], "closing": ["A"], "changed": ["B"],
                                 "legislation": ["E"]}
    entry = digest.groups[0].sections[0].entries[0]
    assert entry.deadline == "15 januari 2027"
    assert entry.why == ["Matchade: grundskolan · programmet Erasmus+"]
    assert entry.summary == "Mobilitet för lärare i grundskolan"
    changed = digest.groups[0].sections[2].entries[0]
    assert changed.changes == ["Sista dag: 1 mars 2027 → 1 april 2027"]
    assert digest.subject() == ("Omvärldsbevakning v.47: 1 ny utlysning, 1 stänger snart för "
                                "Barn- och utbildningsnämnden")
    assert digest.summary() == ("1 ny utlysning, 1 stänger snart, 1 ändrad, "
                                "1 nytt lagstiftningsärende")


def test_window_start_excludes_earlier_news(config, seeded):  # noqa: ANN001, F811
    # A digest that starts after the second poll has nothing new or changed, only what closes.
    later = datetime(2026, 11, 22, 7, 30, tzinfo=timezone.utc)
    digest = _digest(config, seeded, Subscription("bun", "a@tyreso.se"), since=later)
    assert _sections(digest) == {"closing": ["A"]}


def test_priorities_narrow_topics_widen_sources_narrow(config, seeded):  # noqa: ANN001, F811
    narrowed = _digest(config, seeded, Subscription("bun", "a@tyreso.se",
                                                    priorities=("verksamhetsutveckling",)))
    assert _sections(narrowed) == {"changed": ["B"]}
    widened = _digest(config, seeded, Subscription("ks", "a@tyreso.se", topics=("cesis",)))
    assert _sections(widened) == {"new_calls": ["F"]}
    assert widened.groups[0].sections[0].entries[0].why == ["matchar ämnet ”cesis”"]
    other_source = _digest(config, seeded, Subscription("bun", "a@tyreso.se",
                                                        sources=("eu-funding-x",)))
    assert other_source.is_empty


def test_all_lists_each_item_once_with_its_committees(config, seeded):  # noqa: ANN001, F811
    digest = _digest(config, seeded, Subscription("all", "k@tyreso.se"))
    assert [g.heading for g in digest.groups] == [None]  # no committee heading, none twice
    headings = [s.heading for s in digest.groups[0].sections]
    assert len(headings) == len(set(headings))
    assert _sections(digest) == {"new_calls": ["D"], "closing": ["A"], "changed": ["B"],
                                 "legislation": ["E"], "unassigned": ["F"]}
    # D is tagged to two committees: listed once, with both, and both reasons
    entry = digest.groups[0].sections[0].entries[0]
    assert entry.committees == ["Barn- och utbildningsnämnden",
                                "Gymnasie- och vuxenutbildningsnämnden"]
    assert entry.why == ["Matchade: grundskolan, lärarutbyten · programmet Erasmus+"]
    assert digest.counts() == {"new_calls": 1, "closing": 1, "changed": 1, "legislation": 1,
                               "unassigned": 1}
    assert "G" not in sum(_sections(digest).values(), [])


def test_overview_caps_each_section_and_says_where_the_rest_are(config_dir, seeded):  # noqa: ANN001, F811
    from monitor.app import load_config
    from tests.hermetic import edit_file
    edit_file(config_dir / "settings.toml", ("overview_cap = 15", "overview_cap = 1"))
    config = load_config(config_dir)
    later = Subscription("all", "k@tyreso.se")
    seeded.upsert_items([item_("H", "Fler lärarutbyten", deadlines=[utc(2027, 3, 3)],
                               opens=utc(2026, 11, 1))], now=NOW - timedelta(minutes=5))
    seeded.replace_tags("eu-funding:H", [Tag("committee", "bun", 0.8,
                                             ('term "lärare" in title (+2)',), "t")], now=NOW)
    digest = _digest(config, seeded, later)
    new = digest.groups[0].sections[0]
    assert new.item_ids == ["eu-funding:D", "eu-funding:H"] and new.total == 2
    assert [e.item_id for e in new.shown] == ["eu-funding:D"] and new.more == 1
    assert new.hidden == ["eu-funding:H"]  # counted, not formatted: the mail never shows it
    text = parse(message_bytes(digest_message(config, digest, NOW))).get_body(
        ("plain",)).get_content()
    assert "… och 1 till (se alla med `monitor calls`)." in text
    assert "Fler lärarutbyten" not in text


def test_english_digest(config, seeded):  # noqa: ANN001, F811
    digest = _digest(config, seeded, Subscription("bun", "a@tyreso.se", lang="en"))
    assert digest.subject() == ("Horizon scanning week 47: 1 new call, 1 closing soon for "
                                "Committee for Children and Education")
    assert digest.summary() == "1 new call, 1 closing soon, 1 changed, 1 new legislation item"
    assert digest.groups[0].sections[2].entries[0].changes == [
        "Deadline: 1 March 2027 → 1 April 2027"]


def _scrubbed(data: bytes) -> tuple[str, str]:
    """(headers + plain text, HTML) with the volatile parts (Date, boundaries) scrubbed."""
    message = parse(data)
    assert message.get_content_type() == "multipart/alternative"
    headers = [f"{name}: {value}" for name, value in message.items()
               if name not in ("Date", "Content-Type")]
    boundary = message.get_boundary()
    assert boundary and boundary not in message.get_body(("plain",)).get_content()
    text = "\n".join(headers) + "\n\n" + message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


@pytest.mark.parametrize("suffix", ["txt", "html"])
@pytest.mark.parametrize("committee,lang", [("bun", "sv"), ("bun", "en"), ("all", "sv")])
def test_golden_digest(config, seeded, committee, lang, suffix):  # noqa: ANN001, F811
    """Regenerate with MONITOR_REGEN_GOLDEN=1 after a deliberate template change (the test
    then fails, so the rewritten files are reviewed before they are committed). One test per
    file, so that regenerating rewrites the HTML too."""
    sub = Subscription(committee, "mottagare@tyreso.se", lang=lang)
    message = digest_message(config, _digest(config, seeded, sub), NOW)
    text, html = _scrubbed(message_bytes(message))
    check_golden(GOLDEN / f"digest_{committee}_{lang}.{suffix}", text if suffix == "txt" else html)


def test_html_is_safe_for_mail_clients(config, seeded):  # noqa: ANN001, F811
    sub = Subscription("all", "mottagare@tyreso.se")
    html = parse(message_bytes(digest_message(config, _digest(config, seeded, sub), NOW))
                 ).get_body(("html",)).get_content()
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "<style" not in html.lower() and "class=" not in html  # inline styles only
    assert re.findall(r'href="([^"]+)"', html) and all(
        h.startswith("https://") for h in re.findall(r'href="([^"]+)"', html))
    assert 'name="viewport"' in html  # phones scale it


def test_hostile_item_is_escaped_and_never_linked(config, seeded):  # noqa: ANN001, F811
    from monitor.model import Tag
    from tests.mailfixtures import item, utc
    seeded.upsert_items([item("X", '<script>alert(1)</script> & "Bidrag"\r\nBcc: x@y.se',
                              url="javascript:alert(document.cookie)",
                              deadlines=[utc(2027, 1, 20)], opens=utc(2026, 11, 1))], now=NOW)
    seeded.replace_tags("eu-funding:X", [Tag("committee", "kfn", 0.9, ('term "<b>fet</b>" in title (+1)',))],
                        now=NOW)
    message = digest_message(config, _digest(config, seeded, Subscription("kfn", "k@tyreso.se")),
                             NOW)
    parsed = parse(message_bytes(message))
    html = parsed.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    assert "javascript:" in html and 'href="javascript' not in html  # shown, not linked
    assert "&lt;b&gt;fet&lt;/b&gt;" in html
    assert parsed["Bcc"] is None
    text = parsed.get_body(("plain",)).get_content()
    assert "<script>alert(1)</script>" in text  # plain text shows it as it is
