"""Message building: header sanitising, safe links, dates, settings from file and environment."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from monitor.errors import ConfigError
from monitor.mail.message import (MailSettings, build_message, clean_header, long_date,
                                  mail_settings, message_bytes, message_id, safe_href)
from tests.conftest import NOW
from tests.hermetic import edit_file
from tests.mailfixtures import mail_env, parse  # noqa: F401 - fixture

TZ = ZoneInfo("Europe/Stockholm")
HOSTILE = [
    "Bidrag\r\nBcc: victim@example.org",
    "Bidrag\nX-Injected: yes",
    "Bidrag\rSubject: second",
    "Bidrag\x00\x07\x1b[31m",
    "Bidrag\u2028Bcc: a@b.se\u2029X-Other: 1",
    "=?utf-8?b?QmNjOiB4QHkuc2U=?= utlysning",
    "Bidrag\u202egnp.exe",  # right-to-left override
    "Lång " * 100,
]


@pytest.mark.parametrize("title", HOSTILE)
def test_clean_header_removes_what_could_break_a_header(title: str) -> None:
    cleaned = clean_header(title)
    assert not any(c in cleaned for c in "\r\n\x00\x07\x1b\u2028\u2029\u202e")
    assert "=?" not in cleaned
    assert len(cleaned) <= 160
    assert cleaned.startswith(title.split()[0][:6].replace("=?", "= ?"))


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_title_in_subject_yields_one_clean_header_block(title: str) -> None:
    message = build_message(MailSettings(sender="monitor@tyreso.se"), to=["a@tyreso.se"],
                            subject=f"Påminnelse: {title}", text="x", html="<p>x</p>",
                            key="reminder:test", date=NOW)
    data = message_bytes(message)
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    names = [line.split(":", 1)[0] for line in head.split("\r\n") if not line[:1].isspace()]
    assert names == ["Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted",
                     "X-Auto-Response-Suppress", "MIME-Version", "Content-Type"]
    parsed = parse(data)
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert parsed["To"] == "a@tyreso.se"
    # what arrives is exactly the cleaned text: no encoded word of the attacker's was decoded
    assert str(parsed["Subject"]) == clean_header(f"Påminnelse: {title}")
    assert "Bcc: x@y.se" not in str(parsed["Subject"])


def test_safe_href_allows_only_http_and_https() -> None:
    assert safe_href("https://ec.europa.eu/x?a=1&b=2") == "https://ec.europa.eu/x?a=1&b=2"
    assert safe_href("HTTP://example.org/") == "HTTP://example.org/"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
                "vbscript:x", "mailto:a@b.se", "//example.org/x", "/relative", "",
                None, "https://", "https://example.org/a b", 'https://x.se/"onmouseover=',
                "https://example.org/\nx"):
        assert safe_href(bad) is None, bad


def test_long_dates_in_swedish_and_english() -> None:
    assert long_date("2027-01-15T00:00:00+00:00", TZ) == "15 januari 2027"
    assert long_date("2027-01-15T00:00:00+00:00", TZ, "en") == "15 January 2027"
    # a funder's 17:00 Brussels time is 16:00 UTC in winter: shown in local time
    assert long_date("2026-12-10T16:00:00+00:00", TZ) == "10 december 2026 kl. 17:00"
    assert long_date("2026-12-10T16:00:00+00:00", TZ, "en") == "10 December 2026, 17:00"
    # 23:59 UTC stays the day it names, not 00:59 the next day
    assert long_date("2027-02-14T23:59:00+00:00", TZ) == "14 februari 2027"
    assert long_date("2026-06-01T21:59:00+00:00", TZ) == "1 juni 2026"  # 23:59 local
    assert long_date(None, TZ) == ""


def test_message_id_is_stable_and_distinct() -> None:
    first = message_id("digest:bun:a@tyreso.se:2026-W48", "tyreso.se")
    assert first == message_id("digest:bun:a@tyreso.se:2026-W48", "tyreso.se")
    assert first != message_id("digest:bun:a@tyreso.se:2026-W49", "tyreso.se")
    assert re.fullmatch(r"<digest\.[0-9a-f]{24}@tyreso\.se>", first)


def test_message_is_multipart_alternative_with_both_parts() -> None:
    message = build_message(MailSettings(sender="monitor@tyreso.se"), to=["a@tyreso.se"],
                            subject="Omvärldsbevakning v.48", text="Hej åäö",
                            html="<p>Hej åäö</p>", key="digest:x", date=NOW)
    parsed = parse(message_bytes(message))
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed.get_body(("plain",)).get_content().strip() == "Hej åäö"
    assert str(parsed["Subject"]) == "Omvärldsbevakning v.48"
    assert parsed["Date"] == "Sun, 22 Nov 2026 08:00:00 +0000"


def test_mail_settings_from_file_and_environment(config, mail_env, monkeypatch):  # noqa: ANN001, F811
    settings = mail_settings(config)
    assert settings.transport == "outbox" and settings.sender == "omvarldsbevakning@tyreso.se"
    assert settings.outbox == mail_env and settings.smtp_password == ""
    monkeypatch.setenv("MONITOR_SMTP_HOST", "smtp.tyreso.se")
    monkeypatch.setenv("MONITOR_SMTP_PORT", "465")
    monkeypatch.setenv("MONITOR_SMTP_SECURITY", "ssl")
    monkeypatch.setenv("MONITOR_SMTP_USER", "monitor")
    monkeypatch.setenv("MONITOR_SMTP_PASSWORD", "hemligt")
    monkeypatch.setenv("MONITOR_MAIL_TRANSPORT", "smtp")
    monkeypatch.setenv("MONITOR_MAIL_FROM", "noreply@tyreso.se")
    settings = mail_settings(config)
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security, settings.smtp_user,
            settings.smtp_password, settings.transport, settings.sender) == (
        "smtp.tyreso.se", 465, "ssl", "monitor", "hemligt", "smtp", "noreply@tyreso.se")


@pytest.mark.parametrize("variable,value,problem", [
    ("MONITOR_SMTP_PORT", "femhundra", "must be a number"),
    ("MONITOR_SMTP_PORT", "70000", "TCP port"),
    ("MONITOR_SMTP_SECURITY", "tls", "none, starttls, ssl"),
    ("MONITOR_MAIL_TRANSPORT", "pigeon", "outbox, smtp"),
    ("MONITOR_MAIL_FROM", "not an address", "not a mail address"),
])
def test_bad_environment_names_the_variable(config, mail_env, monkeypatch, variable, value,  # noqa: ANN001, F811
                                            problem):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        mail_settings(config)
    assert caught.value.key == variable and problem in str(caught.value)


def test_bad_mail_settings_file_names_file_and_key(config_dir):  # noqa: ANN001
    from monitor.app import load_config
    edit_file(config_dir / "settings.toml", ('smtp_security = "starttls"', 'smtp_security = "maybe"'))
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    assert caught.value.key == "mail.smtp_security" and "settings.toml" in str(caught.value)


def test_password_is_not_a_settings_key(config_dir):  # noqa: ANN001
    from monitor.app import load_config
    edit_file(config_dir / "settings.toml", ('smtp_user = ""', 'smtp_user = ""\nsmtp_password = "x"'))
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(config_dir)
