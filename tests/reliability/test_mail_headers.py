"""50 hostile titles through a digest and reminders to a real SMTP server (aiosmtpd): no extra
header, every subject one short line, recipients unchanged, no message smuggled in.

The titles arrive the way a funder's API would send them: JSON strings in a SEDIA search
response (JSON can carry CR, LF, NUL and even lone surrogates as escapes), polled from a mock
transport, stored, then mailed. A digest lists every title in its body; a reminder puts its
title in the subject, so together they cover body and header.
"""

from __future__ import annotations

import email
import unicodedata
from datetime import timedelta
from email import policy

import httpx

from monitor.app import load_config, open_store
from monitor.config.settings import database_path
from monitor.digests.dispatch import send_digests
from monitor.digests.reminders import send_reminders
from monitor.mail.channels import build_notifier
from monitor.model import Tag
from monitor.pipeline.ingest import poll
from monitor.store.database import Store
from monitor.store.rows import ItemQuery
from tests.conftest import NOW
from tests.factories import sedia_page, sedia_row, sources_toml
from tests.mailfixtures import SmtpServer, mail_env, smtp_port  # noqa: F401 - fixtures

BUN = "barn.utbildning@tyreso.se"
HEADERS = ["Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted",
           "X-Auto-Response-Suppress", "MIME-Version", "Content-Type"]
SUBJECT_LIMIT = 160

FRAGMENTS = [
    "\r\nBcc: victim@example.org",
    "\nTo: everyone@tyreso.se",
    "\rX-Injected: cr",
    "\r\n\r\n<html>fake body</html>",
    "\x00NUL\x00",
    "\u2028Bcc: ls@example.org",
    "\u2029X-Para: 1",
    "\u0085Cc: nel@example.org",
    "\x0bvt\x0cff\x1besc\x7fdel",
    "=?UTF-8?Q?=0A?=Bcc: q@example.org",
    "=?utf-8?b?DQpCY2M6IGJAZXhhbXBsZS5vcmc=?=",
    "=?iso-8859-1?q?=0D=0AX-Evil:_1?=",
    "\r\n.\r\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n",
    "\n.\nRCPT TO:<bare-lf@example.org>\n",
    "\n.\r\nsmuggled",
    "\u202egnp.exe",
    "\u200b\u200d\ufeffinvisible",
    "Lång titel " * 300,
    "x" * 5000,
    "Subject: second subject",
    "\tfolded: continuation",
    "\r\n folded continuation line",
    "\"quoted\" <angle@example.org>, other@example.org",
    "😀 emoji \U0010fffd private",
    "\ud800 lone surrogate",
]


def hostile_titles() -> list[str]:
    """50 distinct titles: each fragment at the end and in the middle of a real-looking title."""
    titles = []
    for i, fragment in enumerate(FRAGMENTS):
        titles.append(f"Utlysning {i:02d}{fragment}")
        titles.append(f"{fragment}Bidrag {i:02d} till skolutveckling{fragment}")
    return titles


def poll_titles(config_dir, store: Store, titles: list[str]) -> None:  # noqa: ANN001
    """Poll one SEDIA response carrying ``titles``; tag every item to bun."""
    rows = []
    deadline = (NOW + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    for i, title in enumerate(titles):
        row = sedia_row(i)
        row["metadata"]["title"] = [title]
        row["metadata"]["deadlineDate"] = [deadline]
        rows.append(row)
    body = sedia_page(rows)
    assert b"\\u0000" in body and b"\\ud800" in body  # the escapes really are in the JSON
    (config_dir / "sources.toml").write_text(sources_toml("https://api.example.org/search"))
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    [report] = poll(load_config(config_dir), store, transport=transport,
                    now=NOW - timedelta(hours=1))
    assert (report.outcome, report.new) == ("ok", 50), report.error
    for row in store.query_items(ItemQuery(limit=100, include_closed=True), now=NOW):
        store.replace_tags(row.id, [Tag("committee", "bun", 0.9, ("test",), "test")], now=NOW)


def header_names(data: bytes) -> list[str]:
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    return [line.split(":", 1)[0] for line in head.split("\r\n") if not line[:1].isspace()]


def test_hostile_titles_reach_smtp_without_breaking_headers(config_dir, config, smtp_port,  # noqa: ANN001, F811
                                                           figure):
    titles = hostile_titles()
    assert len(set(titles)) == 50
    with open_store(database_path(config)) as store, SmtpServer(smtp_port) as server:
        poll_titles(config_dir, store, titles)
        channel = build_notifier(config)
        digests = send_digests(config, store, committee="bun", channel=channel, now=NOW)
        reminders = send_reminders(config, store, committee="bun", channel=channel, now=NOW)
        assert [o.state for o in digests] == ["sent"]
        # one reminder mail per address and day, naming all 50 calls
        assert len(reminders) == 1 and {o.state for o in reminders} == {"sent"}
        envelopes = list(server.handler.envelopes)
    # exactly one message per ledger entry: no SMTP command or message was smuggled in
    assert len(envelopes) == 2
    longest = 0
    subjects = set()
    for envelope in envelopes:
        data = envelope.original_content
        assert list(envelope.rcpt_tos) == [BUN]
        assert envelope.mail_from == "omvarldsbevakning@tyreso.se"
        assert header_names(data) == HEADERS
        assert b"\x00" not in data
        assert b"\r" not in data.replace(b"\r\n", b"") and b"\n" not in data.replace(b"\r\n", b"")
        message = email.message_from_bytes(data, policy=policy.default)
        assert message["To"] == BUN and message["Cc"] is None and message["Bcc"] is None
        subject = str(message["Subject"])
        assert not any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs") for c in subject)
        assert "=?" not in subject and len(subject) <= SUBJECT_LIMIT
        longest = max(longest, len(subject))
        subjects.add(subject)
        for part in message.walk():
            if part.get_content_maintype() == "text":
                assert "\x00" not in part.get_content()
        if subject.startswith("Påminnelse"):  # the to-do list names every call once
            text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
            todo = text.split("\n\n")[1]
            assert todo.count("\n* ") == 50
    assert len(subjects) == 2
    figure(f"50 hostile titles: {len(envelopes)} messages received for 2 ledger entries, "
           f"0 extra headers, 0 changed recipients, longest subject {longest} characters")
