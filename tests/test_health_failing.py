"""A source that keeps failing, or whose items lose their deadlines, is noticed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.app import load_config
from monitor.config.settings import SourceConfig
from monitor.pipeline.health import (DEGRADED, FAILING, OK, SUSPECT, mark_notice_sent,
                                     pending_health_notices, reason_text, record_failure,
                                     record_poll, record_unchanged, source_health, source_problems)
from monitor.pipeline.ingest import poll
from tests.conftest import NOW
from tests.hermetic import edit_file
from tests.mailfixtures import mail_env, outbox_messages, seeded  # noqa: F401 - fixtures

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Calls</title>
<link>https://example.org/</link><description>calls</description>
<item><title>Call for projects</title><link>https://example.org/c/1</link></item>
</channel></rss>"""


def cfg(**options) -> SourceConfig:  # noqa: ANN003
    return SourceConfig(name="feed", kind="rss", url="https://example.org/feed",
                        options={"expect_items": True, "degraded_after": 3, **options})


def day(n: float):  # noqa: ANN201
    return NOW + timedelta(days=n)


# ---------------------------------------------------------------------------- failing
def test_third_failure_in_a_row_makes_the_source_failing_once(store):
    record_poll(store, cfg(), items_parsed=4, now=day(0))
    events = [record_failure(store, cfg(), error="HTTP 404", now=day(0.25 * n))
              for n in range(1, 6)]
    assert events == [None, None, FAILING, None, None]
    row = source_health(store)["feed"]
    assert row["state"] == FAILING and row["failed_polls"] == 5
    assert reason_text(row, "sv") == "5 misslyckade hämtningar i rad, ingen lyckad " \
                                     "hämtning på 1 dag"
    assert reason_text(row, "en").startswith("5 failed polls in a row")
    [notice] = pending_health_notices(store)
    assert notice.event == FAILING
    assert "HTTP 404" in notice.text and "monitor sources check" in notice.text


def test_a_success_between_failures_resets_the_count(store):
    for error_first in (True, True, False, True, True):
        if error_first:
            record_failure(store, cfg(), error="timeout", now=day(0))
        else:
            record_poll(store, cfg(), items_parsed=2, now=day(0))
    assert source_health(store)["feed"]["state"] == OK
    assert pending_health_notices(store) == []


def test_failing_after_is_a_setting(store):
    assert record_failure(store, cfg(failing_after=1), error="x", now=day(0)) == FAILING


def test_no_successful_poll_for_days_is_failing_before_the_count(store):
    source = cfg(failing_after=10, failing_days=2)
    record_poll(store, source, items_parsed=3, now=day(0))
    assert record_failure(store, source, error="DNS", now=day(1)) is None
    assert record_failure(store, source, error="DNS", now=day(2.5)) == FAILING
    assert reason_text(source_health(store)["feed"], "en") == \
        "2 failed polls in a row, no successful poll for 2 days"


def test_recovery_mails_once_and_unchanged_answers_count_as_reachable(store):
    for n in range(3):
        record_failure(store, cfg(), error="HTTP 503", now=day(n))
    [notice] = pending_health_notices(store)
    mark_notice_sent(store, "feed", created=notice.created, now=day(3))
    assert record_unchanged(store, cfg(), now=day(4)) == "recovered"
    [notice] = pending_health_notices(store)
    assert notice.event == "recovered"
    assert source_health(store)["feed"]["state"] == OK


def test_mended_before_the_mail_went_out_leaves_nothing_to_say(store):
    for n in range(3):
        record_failure(store, cfg(), error="HTTP 503", now=day(n))
    record_poll(store, cfg(), items_parsed=1, now=day(3))
    assert pending_health_notices(store) == []


def test_failing_outranks_degraded_and_then_returns_to_it(store):
    for _ in range(3):
        record_poll(store, cfg(), items_parsed=0, now=day(0))
    assert source_health(store)["feed"]["state"] == DEGRADED
    for _ in range(3):
        record_failure(store, cfg(), error="HTTP 500", now=day(1))
    assert source_health(store)["feed"]["state"] == FAILING
    assert [p[0:2] for p in source_problems(store, "en")] == [("feed", "failing")]
    record_unchanged(store, cfg(), now=day(2))
    assert source_health(store)["feed"]["state"] == DEGRADED


# --------------------------------------------------------------------- lost deadlines
def test_items_that_suddenly_lose_their_deadlines_ask_to_check_the_parser(store):
    record_poll(store, cfg(), items_parsed=10, with_deadline=9, now=day(0))
    record_poll(store, cfg(), items_parsed=8, with_deadline=6, now=day(1))
    assert record_poll(store, cfg(), items_parsed=12, with_deadline=0, now=day(2)) == SUSPECT
    row = source_health(store)["feed"]
    assert reason_text(row, "sv") == "0 av 12 poster har sista dag (tidigare 6 av 8)"
    assert reason_text(row, "en") == "0 of 12 items have a deadline (before: 6 of 8)"
    [notice] = pending_health_notices(store)
    assert notice.event == SUSPECT and "kontrollera tolkningen" in notice.text
    # Still none: still suspect, measured against the same earlier poll.
    assert record_poll(store, cfg(), items_parsed=12, with_deadline=0, now=day(3)) is None
    assert source_health(store)["feed"]["base_dated"] == 6
    assert record_poll(store, cfg(), items_parsed=12, with_deadline=5, now=day(4)) == "recovered"


@pytest.mark.parametrize("before, now_dated", [((10, 4), 0),   # not most had one
                                               ((2, 2), 0),    # too few to compare
                                               ((10, 9), 1)])  # some still have one
def test_no_alarm_without_a_fall_from_most_to_none(store, before, now_dated):
    record_poll(store, cfg(), items_parsed=before[0], with_deadline=before[1], now=day(0))
    record_poll(store, cfg(), items_parsed=10, with_deadline=now_dated, now=day(1))
    assert source_health(store)["feed"]["state"] == OK


def test_an_older_database_gets_the_new_columns(tmp_path):
    import sqlite3

    from monitor.app import open_store

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE source_health (source TEXT PRIMARY KEY, state TEXT NOT NULL "
                 "DEFAULT 'ok', zero_polls INTEGER NOT NULL DEFAULT 0, last_items INTEGER, "
                 "since TEXT, updated TEXT NOT NULL, notice_event TEXT, notice_pending TEXT, "
                 "notice_created TEXT, notice_sent TEXT)")
    conn.execute("INSERT INTO source_health (source, state, zero_polls, updated, notice_sent)"
                 " VALUES ('feed', 'degraded', 3, '2026-11-01', '2026-11-01')")
    conn.commit()
    conn.close()
    with open_store(path) as store:
        # The mailed "degraded" is what the admin knows: a recovery must be told.
        assert record_poll(store, cfg(), items_parsed=2, now=day(0)) == "recovered"
        assert [n.event for n in pending_health_notices(store)] == ["recovered"]


# -------------------------------------------------------------- end to end, replayed
@pytest.fixture
def failing_replay(tmp_path: Path, config_dir: Path) -> Path:
    """One rss source whose recorded answer is an HTTP 404 (the feed moved)."""
    replay = one_feed_source(config_dir, tmp_path, 'find_dates = false\n')
    (replay / "gone.html").write_bytes(b"<h1>Not found</h1>")
    (replay / "feed.xml").write_bytes(FEED)
    write_index(replay, 404, "gone.html")
    return tmp_path / "replay"


def one_feed_source(config_dir: Path, tmp_path: Path, keys: str) -> Path:
    """The config with one rss source ``feed`` (plus ``keys``), notices to a test address;
    returns the source's (empty) replay folder."""
    (config_dir / "sources.toml").write_text(
        '[[source]]\nname = "feed"\nkind = "rss"\nurl = "https://example.org/feed"\n' + keys,
        encoding="utf-8")
    use_test_admin(config_dir)
    folder = tmp_path / "replay" / "feed"
    folder.mkdir(parents=True)
    return folder


def use_test_admin(config_dir: Path) -> None:
    """Notices go to an address of no real person (never one of the shipped config)."""
    edit_file(config_dir / "settings.toml", ('admin = "kommunstyrelseforvaltningen@tyreso.se"',
                                             'admin = "it-admin@example.org"'))


def write_index(folder: Path, status: int, file: str) -> None:
    (folder / "index.json").write_text(json.dumps([{
        "method": "GET", "url": "https://example.org/feed", "status": status,
        "content_type": "text/html", "file": file}]), encoding="utf-8")


def test_status_shows_a_failing_source_after_three_failed_polls(failing_replay, config_dir,
                                                                cli):
    for n in range(3):
        result = cli("poll", "--replay", str(failing_replay))
        assert result.exit_code == 3
        rows = json.loads(cli("sources", "status", "--format", "json").stdout)
        assert rows[0]["health"] == ("failing" if n == 2 else "ok")
    assert rows[0]["health_reason"] == "3 misslyckade hämtningar i rad"
    assert "fungerar inte: 3 misslyckade" in cli("sources", "status").stdout
    assert "failing: 3 failed polls" in cli("sources", "status", lang="en").stdout


def test_run_mails_the_admin_once_when_failing_and_once_on_recovery(
        failing_replay, config_dir, store, mail_env):  # noqa: F811
    from monitor.app import run_main_job

    config = load_config(config_dir)
    steps = [dict(run_main_job(config, store, replay=failing_replay, now=NOW).steps)
             for _ in range(5)]
    assert [s.get("health") for s in steps] == [None, None, "meddelanden om källor skickade: 1",
                                                None, None]
    [mail] = outbox_messages(mail_env).values()
    assert mail["To"] == "it-admin@example.org"
    assert mail["Subject"] == "Källa kan inte hämtas: feed"
    assert "404" in mail.get_content()
    write_index(failing_replay / "feed", 200, "feed.xml")
    [report] = poll(config, store, replay=failing_replay, now=NOW)
    assert report.outcome == "ok"
    run_main_job(config, store, replay=failing_replay, now=NOW)
    subjects = sorted(m["Subject"] for m in outbox_messages(mail_env).values())
    assert subjects == ["Källa fungerar igen: feed", "Källa kan inte hämtas: feed"]


# ------------------------------------------------------------- the coordinator's overview
def test_weekly_overview_names_failing_sources_committee_digests_do_not(config, seeded):  # noqa: ANN001, F811
    from monitor.digests.build import Period, build_digest
    from monitor.digests.dispatch import digest_message
    from monitor.digests.subscriptions import Subscription
    from monitor.mail.message import message_bytes
    from tests.mailfixtures import parse

    for n in range(3):
        record_failure(seeded, cfg(), error="HTTP 404", now=NOW - timedelta(hours=n))
    period = Period.containing(NOW, "weekly", config.settings.tz)

    def digest(committee: str, lang: str = "sv"):  # noqa: ANN202
        return build_digest(config, seeded, Subscription(committee, "k@example.org", lang=lang),
                            period, since=period.start - timedelta(days=7), until=NOW)

    overview = digest("all")
    assert overview.source_problems == ["feed: fungerar inte (3 misslyckade hämtningar i rad)"]
    assert digest("all", "en").source_problems == ["feed: failing (3 failed polls in a row)"]
    assert digest("bun").source_problems == []
    message = parse(message_bytes(digest_message(config, overview, NOW)))
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Källor som inte fungerar\n------------------------\n* feed: fungerar inte" in text
    html = message.get_body(("html",)).get_content()
    assert "Källor som inte fungerar" in html and "feed: fungerar inte" in html


def test_replayed_feed_that_loses_its_deadlines_is_flagged_and_mailed(tmp_path, config_dir,
                                                                      store, mail_env):  # noqa: F811
    from monitor.app import run_main_job

    folder = one_feed_source(config_dir, tmp_path, 'language = "sv"\n')

    def entries(text: str) -> bytes:
        items = "".join(f"<item><title>Utlysning {n}</title><link>https://example.org/{n}</link>"
                        f"<description>{text}</description></item>" for n in range(4))
        return FEED.replace(b"<item>", items.encode() + b"<item>", 1)
    (folder / "feed.xml").write_bytes(entries("Sista ansökningsdag 15 mars 2027."))
    write_index(folder, 200, "feed.xml")
    config = load_config(config_dir)
    run_main_job(config, store, replay=tmp_path / "replay", now=NOW)
    assert source_health(store)["feed"]["state"] == OK
    # The site changed how it writes dates: the same calls, no deadline read any more.
    (folder / "feed.xml").write_bytes(entries("Ansök före vårens sista vecka."))
    run_main_job(config, store, replay=tmp_path / "replay", now=NOW)
    row = source_health(store)["feed"]
    assert row["state"] == SUSPECT
    assert reason_text(row, "sv") == "0 av 5 poster har sista dag (tidigare 4 av 5)"
    [mail] = [m for m in outbox_messages(mail_env).values()
              if m["Subject"].startswith("Kontrollera tolkningen")]
    assert mail["Subject"] == "Kontrollera tolkningen: feed gav inga sista dagar"
    assert mail["To"] == "it-admin@example.org"
    assert "monitor sources test feed" in mail.get_content()
