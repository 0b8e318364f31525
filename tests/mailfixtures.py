"""Fixtures for the mail tests: a seeded store, a local SMTP server, message parsing.

Seeded scenario (NOW = Sunday 22 November 2026, ISO week 47): a first poll on 1 November
stored calls A (bun, closes 10 December), B (bun, deadline later moved) and C (shn); a second
poll an hour before NOW brought call D (bun), legislation E (bun), call F (no committee) and
call G (bun, already closed), and moved B's deadline.
"""

from __future__ import annotations

import email
import socket
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from monitor.app import open_store
from monitor.model import CALL, LEGISLATION, Item, Tag
from monitor.store.database import Store
from tests.conftest import NOW

FIRST_POLL = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
SECOND_POLL = NOW - timedelta(hours=1)
MAIL_ENV = ("MONITOR_SMTP_HOST", "MONITOR_SMTP_PORT", "MONITOR_SMTP_USER", "MONITOR_SMTP_PASSWORD",
            "MONITOR_SMTP_SECURITY", "MONITOR_MAIL_FROM", "MONITOR_MAIL_TRANSPORT", "MONITOR_OUTBOX")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def item(native_id: str, title: str, *, kind: str = CALL, deadlines: list[datetime] = (),
         opens: datetime | None = None, programme: str | None = "Erasmus+",
         url: str | None = None, summary: str = "") -> Item:
    return Item(source="eu-funding", native_id=native_id, kind=kind, title=title,
                url=url or f"https://example.org/calls/{native_id}", summary=summary,
                programme=programme, opens=opens, deadlines=list(deadlines))


def tag(committee: str, *evidence: str) -> Tag:
    return Tag("committee", committee, 0.8, tuple(evidence), "test")


def seed(store: Store) -> None:
    """The scenario in the module docstring."""
    first = [
        item("A", "Skolutveckling i Europa", deadlines=[utc(2026, 12, 10, 16, 0)],
             opens=utc(2026, 10, 1)),
        item("B", "Digitalisering i förskolan", deadlines=[utc(2027, 3, 1)], opens=utc(2026, 10, 1)),
        item("C", "Klimatanpassning i kommuner", deadlines=[utc(2027, 2, 1)],
             programme="LIFE", opens=utc(2026, 10, 1)),
    ]
    store.upsert_items(first, now=FIRST_POLL)
    second = [
        item("B", "Digitalisering i förskolan", deadlines=[utc(2027, 4, 1)], opens=utc(2026, 10, 1)),
        item("D", "Lärarutbyten inom Erasmus+", deadlines=[utc(2027, 1, 15)],
             opens=utc(2026, 11, 1), summary="Mobilitet för lärare i grundskolan"),
        item("E", "Förslag till ändrad skollag", kind=LEGISLATION, programme=None,
             deadlines=[utc(2027, 2, 20)]),
        item("F", "Cesis vänort kulturutbyte", deadlines=[utc(2027, 5, 5)], programme="CERV",
             opens=utc(2026, 11, 1)),
        item("G", "Stängd skolutlysning", deadlines=[utc(2026, 11, 20)], opens=utc(2026, 9, 1)),
    ]
    store.upsert_items(second, now=SECOND_POLL)
    # evidence as the matchers write it (monitor.matchers): the mail must not show it raw
    for ident, tags in {
        "A": [tag("bun", 'term "skol*" in title as "skolutveckling" (+3)')],
        "B": [tag("bun", 'term "förskola" in title as "förskolan" (+3)'),
              Tag("priority", "verksamhetsutveckling", 0.6,
                  ("call for bun → verksamhetsutveckling",), "test")],
        "C": [tag("shn", 'term "klimatanpassning" in title (+3)')],
        "D": [tag("bun", "programme Erasmus+ → bun (+3)",
                  'term "grundskola" in summary as "grundskolan" (+2)'),
              tag("gvn", 'term "lärare" in title as "lärarutbyten" (+2)')],
        "E": [tag("bun", 'term "skollag" in title (+4.5)')],
        "G": [tag("bun", 'term "skol*" in title as "skolutlysning" (+3)')],
    }.items():
        store.replace_tags(f"eu-funding:{ident}", tags, now=SECOND_POLL)


@pytest.fixture
def mail_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No mail settings from the developer's environment; the outbox in tmp_path."""
    for name in MAIL_ENV:
        monkeypatch.delenv(name, raising=False)
    outbox = tmp_path / "outbox"
    monkeypatch.setenv("MONITOR_OUTBOX", str(outbox))
    return outbox


@pytest.fixture
def seeded(config, mail_env):  # noqa: ANN001, ANN201
    """The test configuration's own database file, seeded; yields the open store."""
    from monitor.config.settings import database_path
    with open_store(database_path(config)) as store:
        seed(store)
        yield store


def parse(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


def outbox_messages(folder: Path) -> dict[str, EmailMessage]:
    return {path.name: parse(path.read_bytes()) for path in sorted(folder.glob("*.eml"))}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps every envelope it accepts."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1:port, started and stopped on demand."""

    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller
        self.port = port
        self.handler = Collector()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[tuple[list[str], EmailMessage]]:
        return [(list(e.rcpt_tos), parse(e.original_content)) for e in self.handler.envelopes]


@pytest.fixture
def smtp_port(mail_env, monkeypatch: pytest.MonkeyPatch) -> int:  # noqa: ANN001
    """Mail settings pointing at 127.0.0.1:<free port>, plain SMTP (no TLS)."""
    port = free_port()
    monkeypatch.setenv("MONITOR_MAIL_TRANSPORT", "smtp")
    monkeypatch.setenv("MONITOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MONITOR_SMTP_PORT", str(port))
    monkeypatch.setenv("MONITOR_SMTP_SECURITY", "none")
    return port


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made with the openssl command (skip the test without it)."""
    import shutil
    import subprocess
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return key, cert
