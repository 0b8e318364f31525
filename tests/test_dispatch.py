"""Sending: exactly once per subscription and period, outbox and a real SMTP server, reminders,
notices, due periods and the step after a poll."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from monitor.app import after_poll_steps, open_store, run_main_job
from monitor.config.settings import database_path
from monitor.digests.build import Period
from monitor.digests.dispatch import is_due, send_digests
from monitor.digests.reminders import send_reminders
from monitor.digests.subscriptions import Subscription, subscribe
from monitor.mail import ledger
from monitor.mail.channels import build_notifier, send_notice
from monitor.mail.channels.outbox import OutboxChannel
from monitor.mail.channels.smtp import SmtpChannel
from monitor.mail.message import mail_settings
from monitor.model import Tag
from tests.conftest import NOW, REPLAY
from tests.hermetic import edit_file
from tests.mailfixtures import (SmtpServer, item, mail_env, outbox_messages, seeded,  # noqa: F401
                                smtp_port, utc)
from tests.source_helpers import keep_only_sources


@pytest.fixture(autouse=True)
def _only_eu_funding_and_hand_set_tags(config_dir):  # noqa: ANN001, ANN202
    """These tests poll the eu-funding replay and set tags by hand, so what they count does
    not move when other sources or the tagging rules change."""
    keep_only_sources(config_dir, "eu-funding")
    (config_dir / "matching.toml").unlink()


REPLAY_TAGS = {
    "eu-funding:cascade-11265": [Tag("committee", "gvn", 0.8, ('"scholarship" i titeln',))],
    "eu-funding:cascade-11145": [Tag("committee", "ks", 0.7, ('"digital" i texten',))],
    "eu-funding:cascade-11143": [Tag("committee", "ks", 0.7, ('"internship"',)),
                                 Tag("committee", "kfn", 0.6, ('"internship" i titeln',))],
}


def _replayed(cli, config):  # noqa: ANN001, ANN202
    assert cli("poll", "--replay", str(REPLAY)).exit_code == 0
    with open_store(database_path(config)) as store:
        for item_id, tags in REPLAY_TAGS.items():
            store.replace_tags(item_id, tags, now=NOW)


def test_digest_send_on_replay_writes_one_mail_per_subscription_once(cli, config, mail_env):  # noqa: ANN001, F811
    _replayed(cli, config)
    assert cli("subscribe", "all", "--email", "samordnare@tyreso.se").exit_code == 0
    result = cli("digest", "--send")
    assert result.exit_code == 0, result.output
    mails = outbox_messages(mail_env)
    recipients = sorted(m["To"] for m in mails.values())
    assert recipients == ["gymnasie.vuxenutbildning@tyreso.se",
                          "kommunstyrelseforvaltningen@tyreso.se", "kultur.fritid@tyreso.se",
                          "samordnare@tyreso.se"]
    assert all((mail_env / name).with_suffix(".html").exists() for name in mails)
    ks = next(m for m in mails.values() if m["To"].startswith("kommunstyrelse"))
    # the first digest after install is a catch-up: the calls opened long ago as one count
    assert str(ks["Subject"]) == "Omvärldsbevakning v.47: 2 tidigare publicerade för Kommunstyrelsen"
    assert "2 tidigare publicerade poster finns också" in ks.get_body(("plain",)).get_content()
    before = {p.name: p.stat().st_mtime_ns for p in mail_env.iterdir()}
    again = cli("digest", "--send")
    assert again.exit_code == 0 and "redan skickat" in again.output
    assert {p.name: p.stat().st_mtime_ns for p in mail_env.iterdir()} == before


def test_digest_over_real_smtp_arrives_once_with_both_parts(cli, config, smtp_port):  # noqa: ANN001, F811
    _replayed(cli, config)
    with SmtpServer(smtp_port) as server:
        assert cli("digest", "--send").exit_code == 0
        assert cli("digest", "--send").exit_code == 0
    received = server.messages
    assert sorted(r for rcpts, _ in received for r in rcpts) == [
        "gymnasie.vuxenutbildning@tyreso.se", "kommunstyrelseforvaltningen@tyreso.se",
        "kultur.fritid@tyreso.se"]
    for rcpts, message in received:
        assert message["To"] == rcpts[0]
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
        assert str(message["Subject"]).startswith("Omvärldsbevakning v.47: ")
        assert "Första utskicket" in message.get_body(("plain",)).get_content()
    gvn = next(m for r, m in received if r == ["gymnasie.vuxenutbildning@tyreso.se"])
    assert str(gvn["Subject"]) == ("Omvärldsbevakning v.47: 1 tidigare publicerad för "
                                   "Gymnasie- och vuxenutbildningsnämnden")


def test_smtp_down_leaves_pending_and_next_run_sends_once(config, seeded, smtp_port):  # noqa: ANN001, F811
    first = send_digests(config, seeded, now=NOW, committee="bun")
    assert [o.state for o in first] == ["pending"] and "Connection" in first[0].error
    key = first[0].key
    assert ledger.state_of(seeded, key) == ledger.PENDING
    with SmtpServer(smtp_port) as server:
        second = send_digests(config, seeded, now=NOW + timedelta(hours=6), committee="bun")
        third = send_digests(config, seeded, now=NOW + timedelta(hours=12), committee="bun")
    assert [o.state for o in second] == ["sent"] and [o.state for o in third] == ["already"]
    assert len(server.messages) == 1
    # the retry sent the message built the first time (its Date), not a rebuilt one
    assert server.messages[0][1]["Date"] == "Sun, 22 Nov 2026 08:00:00 +0000"
    assert ledger.state_of(seeded, key) == ledger.SENT


def test_next_period_starts_where_the_last_digest_ended(config, seeded, mail_env):  # noqa: ANN001, F811
    send_digests(config, seeded, now=NOW, committee="bun")
    monday = datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)
    outcomes = send_digests(config, seeded, now=monday, committee="bun")
    # W48 exists but the news of W47 went out already: only "closes soon" remains
    assert [(o.period, o.state) for o in outcomes] == [("2026-W48", "sent")]
    assert str(outcomes[0].subject) == ("Omvärldsbevakning v.48: 1 stänger snart för "
                                        "Barn- och utbildningsnämnden")


def test_empty_digests_are_not_sent_unless_configured(config_dir, mail_env):  # noqa: ANN001, F811
    from monitor.app import load_config
    config = load_config(config_dir)
    with open_store(database_path(config)) as store:
        assert {o.state for o in send_digests(config, store, now=NOW)} == {"empty"}
        assert not mail_env.exists()
    edit_file(config_dir / "settings.toml", ("send_empty = false", "send_empty = true"))
    config = load_config(config_dir)
    with open_store(database_path(config)) as store:
        outcomes = send_digests(config, store, now=NOW, committee="bn")
    assert [o.state for o in outcomes] == ["sent"]
    assert "inget nytt" in outcomes[0].subject


def test_due_follows_the_digest_schedule(config):  # noqa: ANN001
    tz = config.settings.tz
    w48 = Period.parse("2026-W48", tz)
    assert not is_due(config, w48, datetime(2026, 11, 23, 5, 59, tzinfo=timezone.utc))  # 06:59
    assert is_due(config, w48, datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc))  # 07:00 local
    assert is_due(config, w48, datetime(2026, 11, 29, 22, 0, tzinfo=timezone.utc))
    assert not is_due(config, w48, datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc))  # over
    day = Period.parse("2026-11-24", tz)
    assert is_due(config, day, datetime(2026, 11, 24, 6, 30, tzinfo=timezone.utc))


def test_run_sends_due_digests_after_the_poll(cli, config, mail_env):  # noqa: ANN001, F811
    assert [name for name, _ in after_poll_steps()] == ["health", "meetings", "mail"]
    _replayed(cli, config)
    result = cli("run", "--replay", str(REPLAY))
    assert result.exit_code == 0, result.output
    assert "mail: 3 sammanfattningar skickade" in result.output
    assert len(outbox_messages(mail_env)) == 3
    again = cli("run", "--replay", str(REPLAY))
    assert again.exit_code == 0 and "sammanfattning" not in again.output


def test_run_reports_a_delivery_failure(config, seeded, smtp_port):  # noqa: ANN001, F811
    result = run_main_job(config, seeded, names=["eu-funding"], replay=REPLAY, now=NOW)
    assert [name for name, _ in result.step_errors] == ["mail"]
    assert "väntar på nytt försök" in result.step_errors[0][1]


def _reminders(config, store, when, committee="bun"):  # noqa: ANN001, ANN202
    """(To, Subject) of the reminder mails sent at ``when``."""
    return [(o.email, o.subject) for o in send_reminders(config, store, now=when,
                                                         committee=committee)
            if o.state == "sent"]


def test_reminders_14_and_3_days_before_once_each(config, seeded, mail_env):  # noqa: ANN001, F811
    # A closes 10 December 17:00 local; D on 15 January.
    def run(day: int, month: int = 12) -> list[str]:
        when = datetime(2026, month, day, 6, 0, tzinfo=timezone.utc)
        return [subject for _, subject in _reminders(config, seeded, when)]
    assert run(25, 11) == []  # 15 days before
    assert run(26, 11) == ["Påminnelse: sista dag om 14 dagar – Skolutveckling i Europa"]
    assert run(27, 11) == []
    assert run(7) == ["Påminnelse: sista dag om 3 dagar – Skolutveckling i Europa"]
    assert run(8) == [] and run(10) == []
    assert len(outbox_messages(mail_env)) == 2


def test_reminder_found_late_skips_the_larger_threshold(config, seeded, mail_env):  # noqa: ANN001, F811
    when = datetime(2026, 12, 9, 6, 0, tzinfo=timezone.utc)  # 1 day before A closes
    sent = _reminders(config, seeded, when)
    assert [subject for _, subject in sent] == [
        "Påminnelse: sista dag i morgon – Skolutveckling i Europa"]
    marks = [m for (m,) in seeded.conn.execute("SELECT mark FROM reminder_marks")]
    assert len(marks) == 1 and marks[0].endswith(":3")  # the 3-day threshold, not 14
    assert send_reminders(config, seeded, now=when + timedelta(hours=20), committee="bun") == []


def test_reminder_14_days_before_the_ks_hand_in_day_names_that_day(config, seeded, mail_env):  # noqa: ANN001, F811
    # B (bun) closes 1 April 2027: KS meets 23 March, its hand-in day is 2 March (21 days).
    when = datetime(2027, 2, 16, 6, 0, tzinfo=timezone.utc)  # 14 days before 2 March
    sent = _reminders(config, seeded, when)
    assert sent == [("barn.utbildning@tyreso.se", "Påminnelse: Kommunstyrelsen vill ha ärendet"
                     " 2 mars 2027 (om 14 dagar) – Digitalisering i förskolan")]
    text = next(iter(outbox_messages(mail_env).values())).get_body(("plain",)).get_content()
    assert "* 2 mars 2027: ärendet till Kommunstyrelsen senast – Digitalisering i förskolan" \
        in text
    assert "23 mars 2027: Kommunstyrelsen sammanträder och godkänner" in text  # the timeline
    assert _reminders(config, seeded, when + timedelta(days=1)) == []  # once
    # the committee's own hand-in day (27 January) had its reminder 14 days before, in the
    # same mail as D's 3-day deadline reminder
    january = _reminders(config, seeded, datetime(2027, 1, 13, 6, 0, tzinfo=timezone.utc))
    assert january == [("barn.utbildning@tyreso.se", "Påminnelse: 2 saker att göra – först "
                        "sista dag om 2 dagar – Lärarutbyten inom Erasmus+")]
    text = [m for m in outbox_messages(mail_env).values() if "2 saker" in str(m["Subject"])][
        0].get_body(("plain",)).get_content()
    assert ("* 27 januari 2027: ärendet till Barn- och utbildningsnämnden senast – "
            "Digitalisering i förskolan (sista dag 1 april 2027)") in text


def test_one_reminder_mail_per_address_and_day(config, seeded, mail_env):  # noqa: ANN001, F811
    # eva follows bun and gvn; D (both committees) closes 15 January: 14 days on 1 January.
    for committee in ("bun", "gvn"):
        subscribe(config, seeded, Subscription(committee, "eva@tyreso.se"), now=NOW)
    when = datetime(2027, 1, 1, 6, 0, tzinfo=timezone.utc)
    sent = [s for s in _reminders(config, seeded, when, committee=None) if s[0] == "eva@tyreso.se"]
    assert sent == [("eva@tyreso.se", "Påminnelse: 2 saker att göra – först sista dag om 14 "
                     "dagar – Lärarutbyten inom Erasmus+")]
    mail = [m for m in outbox_messages(mail_env).values() if m["To"] == "eva@tyreso.se"]
    assert len(mail) == 1
    text = mail[0].get_body(("plain",)).get_content()
    assert "Barn- och utbildningsnämnden och Gymnasie- och vuxenutbildningsnämnden" in text
    # something due later the same day waits for tomorrow's mail: never two in a day
    seeded.upsert_items([item("H", "Sen skolutlysning", deadlines=[utc(2027, 1, 15)],
                              opens=utc(2026, 12, 1))], now=when + timedelta(hours=2))
    seeded.replace_tags("eu-funding:H", [Tag("committee", "bun", 0.8,
                                             ('term "skol*" in title (+3)',), "t")], now=NOW)
    later = [s for s in _reminders(config, seeded, when + timedelta(hours=3), committee=None)
             if s[0] == "eva@tyreso.se"]
    assert later == []
    tomorrow = [s for s in _reminders(config, seeded, when + timedelta(days=1), committee=None)
                if s[0] == "eva@tyreso.se"]
    assert tomorrow == [("eva@tyreso.se",
                         "Påminnelse: sista dag om 13 dagar – Sen skolutlysning")]
    per_day = seeded.conn.execute(
        "SELECT period, count(*) FROM deliveries WHERE kind = 'reminder' AND recipients ="
        " '[\"eva@tyreso.se\"]' GROUP BY period").fetchall()
    assert [n for _, n in per_day] == [1, 1]


def test_reminder_in_english(config, seeded, mail_env):  # noqa: ANN001, F811
    subscribe(config, seeded, Subscription("bun", "eva@tyreso.se", lang="en"), now=NOW)
    when = datetime(2026, 11, 26, 6, 0, tzinfo=timezone.utc)
    outcomes = send_reminders(config, seeded, now=when, committee="bun")
    english = [o for o in outcomes if o.email == "eva@tyreso.se"]
    assert [o.subject for o in english] == [
        "Reminder: deadline in 14 days – Skolutveckling i Europa"]


def test_notice_goes_to_admin_once_per_key(config, seeded, mail_env):  # noqa: ANN001, F811
    assert send_notice(config, seeded, "Källa trasig: esf", "esf har gett 0 poster 3 gånger",
                       key="health:esf:2026-11-22", now=NOW)
    assert not send_notice(config, seeded, "Källa trasig: esf", "igen", key="health:esf:2026-11-22", now=NOW)
    assert send_notice(config, seeded, "Källa trasig: esf", "ny dag", key="health:esf:2026-11-23", now=NOW)
    mails = list(outbox_messages(mail_env).values())
    assert len(mails) == 2 and {m["To"] for m in mails} == {"kommunstyrelseforvaltningen@tyreso.se"}
    assert mails[0].get_content_type() == "text/plain"


def test_smtp_without_host_warns_and_uses_the_outbox(config, mail_env, monkeypatch, caplog):  # noqa: ANN001, F811
    monkeypatch.setenv("MONITOR_MAIL_TRANSPORT", "smtp")
    with caplog.at_level(logging.WARNING, logger="monitor.mail.channels"):
        channel = build_notifier(config)
    assert isinstance(channel, OutboxChannel) and channel.folder == mail_env
    assert "smtp_host" in caplog.text and "outbox" in caplog.text
    monkeypatch.setenv("MONITOR_SMTP_HOST", "smtp.tyreso.se")
    assert isinstance(build_notifier(config), SmtpChannel)
    monkeypatch.setenv("MONITOR_SMTP_USER", "monitor")  # a user without a password
    with caplog.at_level(logging.WARNING, logger="monitor.mail.channels"):
        assert isinstance(build_notifier(config), OutboxChannel)
    assert "MONITOR_SMTP_PASSWORD" in caplog.text


def test_unwritable_outbox_leaves_pending(config, seeded, mail_env):  # noqa: ANN001, F811
    mail_env.parent.mkdir(exist_ok=True)
    mail_env.write_text("a file where the folder should be")
    outcomes = send_digests(config, seeded, now=NOW, committee="bun")
    assert [o.state for o in outcomes] == ["pending"] and "outbox" in outcomes[0].error
    mail_env.unlink()
    assert [o.state for o in send_digests(config, seeded, now=NOW, committee="bun")] == ["sent"]


@pytest.mark.parametrize("lang,expected", [("sv", "skickat"), ("en", "sent")])
def test_digest_cli_messages_in_both_languages(cli, config, mail_env, lang, expected):  # noqa: ANN001, F811
    _replayed(cli, config)
    result = cli("digest", "--send", "--committee", "ks", lang=lang)
    assert result.exit_code == 0 and expected in result.output


def test_delivery_rechecks_state_under_the_lock(config, seeded, mail_env):  # noqa: ANN001, F811
    """A message another process sent between our listing and our lock is not sent again."""
    class Counting(OutboxChannel):
        calls = 0

        def send(self, envelope):  # noqa: ANN001, ANN201
            Counting.calls += 1
            super().send(envelope)

    channel = Counting(mail_settings(config))
    send_notice(config, seeded, "x", "y", key="k1", channel=_failing(config), now=NOW)
    key = "notice:k1"
    assert ledger.state_of(seeded, key) == ledger.PENDING
    with seeded.write() as conn:  # "the other process" finishes it
        conn.execute("UPDATE deliveries SET state = 'sent' WHERE key = ?", [key])
    assert ledger._deliver_one(seeded, channel, key, NOW) == ""
    assert Counting.calls == 0


def _failing(config):  # noqa: ANN001, ANN202
    from monitor.mail.channels import DeliveryError

    class Failing(OutboxChannel):
        def send(self, envelope):  # noqa: ANN001, ANN201
            raise DeliveryError("down")
    return Failing(mail_settings(config))


def test_preview_writes_files_and_records_nothing(cli, config, mail_env, tmp_path):  # noqa: ANN001, F811
    _replayed(cli, config)
    folder = tmp_path / "preview"
    result = cli("digest", "--preview", str(folder), "--period", "2026-W48")
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in folder.iterdir()) == [".eml", ".eml", ".eml",
                                                          ".html", ".html", ".html"]
    subjects = sorted(str(m["Subject"]) for m in outbox_messages(folder).values())
    assert subjects[0] == ("Omvärldsbevakning v.48: 1 tidigare publicerad för "
                           "Gymnasie- och vuxenutbildningsnämnden")
    assert not mail_env.exists()
    with open_store(database_path(config)) as store:
        assert store.conn.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
    listing = cli("digest", "--committee", "ks")  # neither --send nor --preview: a listing
    assert listing.exit_code == 0 and "skulle skickas" in listing.output
    assert not mail_env.exists()


@pytest.mark.parametrize("args,message", [
    (["--period", "vecka 48"], "Fel: --period 'vecka 48': har fel form; väntat: 2026-W48"),
    (["--committee", "xyz"], "Giltiga: ks, bun, gvn, san, aon, kfn, shn, bn, all"),
    (["--send", "--preview", "x"], "Fel: --preview 'x': kan inte användas tillsammans med "
                                   "--send"),
])
def test_digest_usage_errors(cli, mail_env, args, message):  # noqa: ANN001, F811
    result = cli("digest", *args)
    assert result.exit_code == 2 and message in result.output


def test_daily_subscription_gets_daily_periods(config, seeded, mail_env):  # noqa: ANN001, F811
    subscribe(config, seeded, Subscription("gvn", "dag@tyreso.se", frequency="daily"), now=NOW)
    outcomes = [o for o in send_digests(config, seeded, now=NOW, committee="gvn")
                if o.email == "dag@tyreso.se"]
    assert [(o.period, o.state) for o in outcomes] == [("2026-11-22", "sent")]
    assert outcomes[0].subject == ("Omvärldsbevakning 22 november 2026: 1 tidigare publicerad"
                                   " för Gymnasie- och vuxenutbildningsnämnden")
    weekly_only = send_digests(config, seeded, now=NOW, committee="gvn", period="2026-W47")
    assert {o.email for o in weekly_only} == {"gymnasie.vuxenutbildning@tyreso.se"}


def test_old_sent_bodies_are_forgotten_but_the_record_stays(config, seeded, mail_env):  # noqa: ANN001, F811
    send_digests(config, seeded, now=NOW, committee="bun")
    size = "SELECT length(data), state FROM deliveries WHERE kind = 'digest'"
    assert seeded.conn.execute(size).fetchone()[0] > 1000
    send_digests(config, seeded, now=NOW + timedelta(days=89), committee="bun")
    assert seeded.conn.execute(size).fetchone()[0] > 1000
    send_digests(config, seeded, now=NOW + timedelta(days=91), committee="bun")
    assert seeded.conn.execute(size).fetchone() == (0, "sent")


def test_subscription_of_a_removed_committee_is_skipped(config_dir, mail_env, caplog):  # noqa: ANN001, F811
    from monitor.app import load_config
    from monitor.digests.subscriptions import effective_subscriptions
    config = load_config(config_dir)
    with open_store(database_path(config)) as store:
        subscribe(config, store, Subscription("bn", "x@tyreso.se"), now=NOW)
        path = config_dir / "committees.toml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text[:text.index("[committee.bn]")], encoding="utf-8")
        # the decision calendar must not name a committee that no longer exists either
        meetings = config_dir / "meetings.toml"
        text = meetings.read_text(encoding="utf-8")
        meetings.write_text(text[:text.index("[committee.bn]")], encoding="utf-8")

        config = load_config(config_dir)
        with caplog.at_level(logging.WARNING):
            subs = effective_subscriptions(config, store)
        assert "bn" not in {s.committee for s in subs} and "no such committee" in caplog.text
        assert {o.state for o in send_digests(config, store, now=NOW)} == {"empty"}
