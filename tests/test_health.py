"""Source health: zero items three polls in a row makes a source degraded, with one notice."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.app import load_config
from monitor.config.settings import SourceConfig
from monitor.pipeline.health import (DEGRADED, OK, mark_notice_sent, pending_health_notices,
                                     reason_text, record_poll, source_health)
from monitor.pipeline.ingest import poll
from tests.conftest import NOW
from tests.hermetic import edit_file, replaced
from tests.mailfixtures import mail_env  # noqa: F401 - fixture

EMPTY_FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Calls</title>
<link>https://example.org/</link><description>none now</description></channel></rss>"""
ONE_ENTRY = replaced(EMPTY_FEED, b"</channel>", b"<item><title>Call for projects</title>"
                    b"<link>https://example.org/c/1</link></item></channel>")


def cfg(**options) -> SourceConfig:  # noqa: ANN003
    return SourceConfig(name="feed", kind="rss", url="https://example.org/feed",
                        options={"expect_items": True, "degraded_after": 3, **options})


def test_third_empty_poll_degrades_once_then_recovery(store):
    events = [record_poll(store, cfg(), items_parsed=0, now=NOW + timedelta(days=d))
              for d in range(4)]
    assert events == [None, None, "degraded", None]
    row = source_health(store)["feed"]
    assert row["state"] == DEGRADED and row["zero_polls"] == 4
    assert reason_text(row, "sv") == "0 poster i 4 hämtningar i rad"
    assert reason_text(row, "en") == "0 items in 4 polls in a row"
    [notice] = pending_health_notices(store)
    assert notice.event == "degraded" and "monitor sources test feed" in notice.text
    mark_notice_sent(store, "feed", created=notice.created, now=NOW)
    assert pending_health_notices(store) == []
    assert record_poll(store, cfg(), items_parsed=5, now=NOW + timedelta(days=5)) == "recovered"
    [notice] = pending_health_notices(store)
    assert notice.event == "recovered" and "5" in notice.text
    assert source_health(store)["feed"]["state"] == OK


def test_items_reset_the_count_and_limit_is_configurable(store):
    for parsed in (0, 0, 3, 0):
        record_poll(store, cfg(), items_parsed=parsed, now=NOW)
    assert source_health(store)["feed"]["state"] == OK
    assert record_poll(store, cfg(degraded_after=1), items_parsed=0, now=NOW) == "degraded"


def test_expect_items_false_never_degrades(store):
    for _ in range(5):
        record_poll(store, cfg(expect_items=False), items_parsed=0, now=NOW)
    assert source_health(store)["feed"]["state"] == OK
    assert pending_health_notices(store) == []


def test_recovery_before_the_mail_cancels_the_notice(store):
    for _ in range(3):
        record_poll(store, cfg(), items_parsed=0, now=NOW)
    record_poll(store, cfg(), items_parsed=2, now=NOW)
    assert pending_health_notices(store) == []


def test_notice_in_english_when_configured(store):
    for _ in range(3):
        record_poll(store, cfg(), items_parsed=0, now=NOW, lang="en")
    assert pending_health_notices(store)[0].text.startswith("Source feed has been polled 3")


def test_newer_notice_survives_marking_an_older_one(store):
    for _ in range(3):
        record_poll(store, cfg(), items_parsed=0, now=NOW)
    [old] = pending_health_notices(store)
    mark_notice_sent(store, "feed", created="2000-01-01T00:00:00+00:00", now=NOW)
    assert pending_health_notices(store) == [old]


# --------------------------------------------------------------- end to end through replay
@pytest.fixture
def feed_config(tmp_path: Path, config_dir: Path) -> Path:
    """The test config with one rss source whose replayed feed is empty."""
    (config_dir / "sources.toml").write_text(
        '[[source]]\nname = "feed"\nkind = "rss"\nurl = "https://example.org/feed"\n'
        'find_dates = false\n', encoding="utf-8")
    replay = tmp_path / "replay" / "feed"
    replay.mkdir(parents=True)
    (replay / "feed.xml").write_bytes(EMPTY_FEED)
    (replay / "index.json").write_text(json.dumps([{
        "method": "GET", "url": "https://example.org/feed", "status": 200,
        "content_type": "application/rss+xml", "file": "feed.xml"}]), encoding="utf-8")
    return tmp_path / "replay"


def test_replayed_empty_page_three_times_degrades(feed_config, config_dir, store, cli):
    config = load_config(config_dir)
    for _ in range(3):
        [report] = poll(config, store, replay=feed_config, now=NOW)
        assert report.outcome == "ok" and report.items_parsed == 0
    assert source_health(store)["feed"]["state"] == DEGRADED
    assert [n.event for n in pending_health_notices(store)] == ["degraded"]
    # A parse error is an error, not zero items: it does not move the count.
    (feed_config / "feed" / "feed.xml").write_bytes(b"<rss><channel><item>")
    [report] = poll(config, store, replay=feed_config, now=NOW)
    assert report.outcome == "error" and "broken feed" in report.error
    assert source_health(store)["feed"]["zero_polls"] == 3
    (feed_config / "feed" / "feed.xml").write_bytes(ONE_ENTRY)
    poll(config, store, replay=feed_config, now=NOW)
    assert source_health(store)["feed"]["state"] == OK


def test_status_shows_degraded_with_reason(feed_config, config_dir, cli):
    for _ in range(3):
        assert cli("poll", "--replay", str(feed_config)).exit_code == 0
    rows = json.loads(cli("sources", "status", "--format", "json").stdout)
    assert rows[0]["health"] == "degraded"
    assert rows[0]["health_reason"] == "0 poster i 3 hämtningar i rad"
    rows = json.loads(cli("sources", "status", "--format", "json", lang="en").stdout)
    assert rows[0]["health_reason"] == "0 items in 3 polls in a row"
    assert "degraded:" in cli("sources", "status", lang="en").stdout
    assert "försämrad:" in cli("sources", "status").stdout


# ------------------------------------------------------------------ the administrator's mail
def test_run_mails_the_admin_once_when_degraded_and_once_on_recovery(feed_config, config_dir,
                                                                     store, mail_env):  # noqa: F811
    from monitor.app import run_main_job
    from tests.mailfixtures import outbox_messages

    config = load_config(config_dir)
    steps = [dict(run_main_job(config, store, replay=feed_config, now=NOW).steps) for _ in range(4)]
    assert [s.get("health") for s in steps] == [None, None, "meddelanden om källor skickade: 1",
                                                None]
    [mail] = outbox_messages(mail_env).values()
    assert mail["To"] == "kommunstyrelseforvaltningen@tyreso.se"
    assert mail["Subject"] == "Källa ger inga poster: feed"
    assert "monitor sources test feed" in mail.get_content()
    assert pending_health_notices(store) == []
    (feed_config / "feed" / "feed.xml").write_bytes(ONE_ENTRY)
    run_main_job(config, store, replay=feed_config, lang="en", now=NOW)
    subjects = sorted(m["Subject"] for m in outbox_messages(mail_env).values())
    assert subjects == ["Källa fungerar igen: feed", "Källa ger inga poster: feed"]


def test_notice_stays_pending_without_an_admin_address(feed_config, config_dir, store,
                                                       mail_env):  # noqa: F811
    from monitor.app import run_main_job

    edit_file(config_dir / "settings.toml",
              ('admin = "kommunstyrelseforvaltningen@tyreso.se"', 'admin = ""'))
    config = load_config(config_dir)
    for _ in range(3):
        run_main_job(config, store, replay=feed_config, now=NOW)
    assert [n.event for n in pending_health_notices(store)] == ["degraded"]
