"""Building digests from the store: sections, windows, narrowing and widening, golden mails."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from monitor.digest import Period, build_digest
from monitor.dispatch import digest_message
from monitor.mail import message_bytes
from monitor.subscriptions import Subscription
from tests.conftest import NOW, ROOT
from tests.mailfixtures import mail_env, parse, seeded  # noqa: F401 - fixtures
from tests.hermetic import check_golden

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
    assert entry.why == ['"grundskola" i texten']
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


def test_all_groups_by_committee_and_lists_untagged_open_calls(config, seeded):  # noqa: ANN001, F811
    digest = _digest(config, seeded, Subscription("all", "k@tyreso.se"))
    headings = [g.heading for g in digest.groups]
    assert headings == ["Barn- och utbildningsnämnden", "Gymnasie- och vuxenutbildningsnämnden",
                        "Öppna utlysningar som ingen nämnd fick"]
    assert _sections(digest)["unassigned"] == ["F"]
    # D sits under two committees but counts once; closed G is never "new".
    assert digest.counts() == {"new_calls": 1, "closing": 1, "changed": 1, "legislation": 1,
                               "unassigned": 1}
    assert "G" not in sum(_sections(digest).values(), [])


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


@pytest.mark.parametrize("committee,lang", [("bun", "sv"), ("bun", "en"), ("all", "sv")])
def test_golden_digest(config, seeded, committee, lang):  # noqa: ANN001, F811
    """Regenerate with MONITOR_REGEN_GOLDEN=1 after a deliberate template change (the test
    then fails, so the rewritten files are reviewed before they are committed)."""
    sub = Subscription(committee, "mottagare@tyreso.se", lang=lang)
    message = digest_message(config, _digest(config, seeded, sub), NOW)
    text, html = _scrubbed(message_bytes(message))
    for suffix, actual in (("txt", text), ("html", html)):
        check_golden(GOLDEN / f"digest_{committee}_{lang}.{suffix}", actual)


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
    seeded.replace_tags("eu-funding:X", [Tag("committee", "kfn", 0.9, ("<b>fet</b>",))])
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
