"""``monitor mail test`` and ``monitor digest --resend`` on a real local SMTP server."""

from __future__ import annotations

import pytest

from monitor.app import open_store
from monitor.config.settings import database_path
from tests.mailfixtures import SmtpServer, mail_env, outbox_messages, seed, smtp_port  # noqa: F401


def test_mail_test_over_smtp(cli, smtp_port):  # noqa: F811
    with SmtpServer(smtp_port) as server:
        result = cli("mail", "test", "anna@example.org")
        english = cli("mail", "test", "bo@example.org", lang="en")
    assert result.exit_code == 0, result.output
    assert f"Provmejl skickat till anna@example.org via smtp 127.0.0.1:{smtp_port} (none)." \
        in result.output
    assert english.exit_code == 0 and "Test mail sent to bo@example.org" in english.output
    (to_anna, message), (to_bo, english_message) = server.messages
    assert to_anna == ["anna@example.org"] and to_bo == ["bo@example.org"]
    assert message["Subject"] == "Provmejl från omvärldsbevakningen"
    assert "Kanal: smtp 127.0.0.1" in message.get_body(("plain",)).get_content()
    assert english_message["Subject"] == "Test mail from the funding monitor"


def test_mail_test_names_the_server_when_it_fails(cli, smtp_port):  # noqa: F811
    result = cli("mail", "test", "anna@example.org")  # nothing listens on the port
    assert result.exit_code == 1
    assert f"Provmejlet kunde inte skickas: SMTP 127.0.0.1:{smtp_port}:" in result.output


def test_mail_test_to_the_outbox_and_a_bad_address(cli, mail_env, tmp_path):  # noqa: F811
    result = cli("mail", "test", "anna@example.org")
    assert result.exit_code == 0 and "Provmejl skrivet till utkorgen" in result.output
    [message] = outbox_messages(mail_env).values()
    assert message["To"] == "anna@example.org"
    bad = cli("mail", "test", "anna", lang="en")
    assert bad.exit_code == 2 and "Error: ADDRESS 'anna': is not a mail address" in bad.output
    assert not (tmp_path / "monitor.db").exists()  # a test mail records nothing


def test_digests_written_to_the_outbox_are_sent_again_over_smtp(
        cli, config, mail_env, monkeypatch):  # noqa: F811
    with open_store(database_path(config)) as store:
        seed(store)
    sent = cli("digest", "--period", "2026-W47", "--send")
    assert sent.exit_code == 0, sent.output
    written = {m["Message-ID"]: m for m in outbox_messages(mail_env).values()}
    assert written
    no_smtp = cli("digest", "--resend", "2026-W47")
    assert no_smtp.exit_code == 2 and "Fel: --resend '2026-W47': SMTP behövs" in no_smtp.output
    port = __import__("tests.mailfixtures", fromlist=["free_port"]).free_port()
    for name, value in (("MONITOR_SMTP_HOST", "127.0.0.1"), ("MONITOR_SMTP_PORT", str(port)),
                        ("MONITOR_SMTP_SECURITY", "none")):
        monkeypatch.setenv(name, value)
    down = cli("digest", "--resend", "2026-W47", lang="en")
    assert down.exit_code == 1 and "Run the command again to retry" in down.output
    with SmtpServer(port) as server:
        result = cli("digest", "--resend", "2026-W47")
        again = cli("digest", "--resend", "2026-W47")
    assert result.exit_code == 0, result.output
    assert "skickad igen via SMTP" in result.output
    resent = {m["Message-ID"]: (to, m) for to, m in server.messages}
    assert set(resent) == set(written)  # the same messages, byte for byte the same ids
    for message_id, (to, message) in resent.items():
        assert to == [written[message_id]["To"]]
        assert message["Subject"] == written[message_id]["Subject"]
    assert "Inga sammanfattningar för 2026-W47 i utkorgen att skicka om." in again.output
    assert cli("digest", "--resend", "vecka 47").exit_code == 2
    with open_store(database_path(config)) as store:
        channels = {row[0] for row in store.conn.execute(
            "SELECT channel FROM deliveries WHERE kind = 'digest'")}
    assert channels == {"smtp"}


@pytest.mark.parametrize("args", [["--resend", "2026-W47", "--send"],
                                  ["--resend", "2026-W47", "--period", "2026-W47"]])
def test_resend_goes_alone(cli, mail_env, args):  # noqa: F811
    result = cli("digest", *args)
    assert result.exit_code == 2 and "kan inte användas tillsammans med" in result.output


def test_mail_test_says_when_smtp_is_not_configured(cli, mail_env, monkeypatch):  # noqa: F811
    monkeypatch.setenv("MONITOR_MAIL_TRANSPORT", "smtp")  # no host: the outbox is used
    result = cli("mail", "test", "anna@example.org", lang="en")
    assert result.exit_code == 0
    assert "Note: transport = smtp but that channel is not configured; the test mail was " \
        f"written to the outbox {mail_env}." in " ".join(result.output.split())
    assert len(outbox_messages(mail_env)) == 1
