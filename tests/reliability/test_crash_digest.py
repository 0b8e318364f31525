"""Kill the sending process (SIGKILL) at each stage of sending digests, then run again.

Stages, each at the second of three digests (so one digest is already through that stage):

- ``built``: the digest is built, not yet recorded in the ledger;
- ``recorded``: it is recorded as pending, not yet handed to the SMTP server;
- ``transmitting``: the SMTP server has the whole message but stalls before its answer, so
  it never accepted it;
- ``accepted``: the server answered 250 (accepted) and the process dies before the ``sent``
  commit.

After a second ``monitor digest --send`` every digest has arrived, byte for byte the digest an
uninterrupted run sends (same window, same Message-ID), and none twice, except in the one
window mail cannot close: between the server's acceptance and the ledger's commit. A kill
there makes the next run send that digest again, with the same Message-ID, so mail clients
that deduplicate show it once. (See "Reliability" in README.md and monitor/mail/ledger.py.)
"""

from __future__ import annotations

import asyncio
import email
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from email import policy
from pathlib import Path

import pytest

from monitor.app import open_store
from monitor.config.settings import database_path
from monitor.digests.dispatch import send_digests
from monitor.digests.subscriptions import Subscription, subscribe
from monitor.mail.channels.base import Channel, Envelope
from monitor.mail.message import mail_settings
from monitor.store.database import Store
from tests.conftest import NOW
from tests.mailfixtures import mail_env, seeded, smtp_port  # noqa: F401 - fixtures

NTH = 2
STAGES = ["built", "recorded", "transmitting", "accepted"]

# Runs `monitor digest --send`; at the NTH passage of the chosen stage it writes the marker
# file and waits to be killed. The hooks only observe: each calls the real function first.
CHILD = textwrap.dedent("""
    import sys, time
    from monitor.digests import dispatch
    from monitor.mail.channels.smtp import SmtpChannel
    stage, nth, marker, config = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    passed = 0

    def reached():
        global passed
        passed += 1
        if passed == nth:
            open(marker, "w").close()
            time.sleep(120)

    def after(function):
        def hooked(*args, **kwargs):
            result = function(*args, **kwargs)
            reached()
            return result
        return hooked

    if stage == "built":
        dispatch.digest_message = after(dispatch.digest_message)
    elif stage == "recorded":
        dispatch.record = after(dispatch.record)
    elif stage == "accepted":
        SmtpChannel.send = after(SmtpChannel.send)
    from monitor.cli import app
    app(["--config", config, "digest", "--send"])
""")


class StallingHandler:
    """An aiosmtpd handler that accepts every message, except that it can be told to stall
    on the n-th DATA: it holds the answer (never 250) until released, and keeps nothing."""

    def __init__(self, stall_at: int | None = None) -> None:
        self.accepted: list[bytes] = []
        self.stall_at = stall_at
        self.datas = 0
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.datas += 1
        if self.datas == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "451 Requested action aborted"
        self.accepted.append(envelope.original_content)
        return "250 Message accepted for delivery"


class Collecting(Channel):
    """Keeps what an uninterrupted run sends (no ``kind``: not a configurable channel)."""

    def __init__(self, settings) -> None:  # noqa: ANN001
        super().__init__(settings)
        self.sent: list[bytes] = []

    def send(self, envelope: Envelope) -> None:
        self.sent.append(envelope.data)


def without_boundary(data: bytes) -> bytes:
    """The MIME boundary is random per build; everything else must match byte for byte."""
    return re.sub(rb"=+\d+==", b"BOUNDARY", data)


def message_id(data: bytes) -> str:
    return email.message_from_bytes(data, policy=policy.default)["Message-ID"]


def uninterrupted(config, store: Store, tmp_path: Path) -> dict[str, bytes]:  # noqa: ANN001
    """What one run without a crash sends from the same database, by Message-ID."""
    copy = tmp_path / "control.db"
    with sqlite3.connect(copy) as target:
        store.conn.backup(target)
    channel = Collecting(mail_settings(config))
    with open_store(copy) as control:
        send_digests(config, control, channel=channel, now=NOW)
    return {message_id(data): data for data in channel.sent}


def wait_for(condition, process: subprocess.Popen, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + 60
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the sender ended before {what}: {process.stderr.read()}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


@pytest.mark.parametrize("stage", STAGES)
def test_sigkill_while_sending_digests(stage, config_dir, config, seeded, smtp_port, cli,  # noqa: ANN001, F811
                                       tmp_path, figure):
    subscribe(config, seeded, Subscription(committee="all", email="samordnare@tyreso.se"), now=NOW)
    expected = uninterrupted(config, seeded, tmp_path)
    assert len(expected) == 3  # bun, gvn and the overview
    from aiosmtpd.controller import Controller
    handler = StallingHandler(stall_at=NTH if stage == "transmitting" else None)
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        marker = tmp_path / "stage-reached"
        script = tmp_path / "sender.py"
        script.write_text(CHILD)
        child = subprocess.Popen([sys.executable, str(script), stage, str(NTH), str(marker),
                                  str(config_dir)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
        try:
            if stage == "transmitting":
                wait_for(handler.stalled.is_set, child, "the server stalled")
            else:
                wait_for(marker.exists, child, f"stage {stage}")
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
        assert child.returncode == -signal.SIGKILL
        handler.release.set()
        before_rerun = len(handler.accepted)
        result = cli("digest", "--send")
        assert result.exit_code == 0, result.output
    finally:
        controller.stop()
    received = Counter(message_id(data) for data in handler.accepted)
    assert set(received) == set(expected), "a digest is missing or unexpected"
    doubled = {mid for mid, n in received.items() if n > 1}
    if stage == "accepted":
        # the one window: accepted by the server, killed before the commit: sent again
        assert len(doubled) == 1 and max(received.values()) == 2
    else:
        assert not doubled, f"sent twice after a kill at {stage}"
    for data in handler.accepted:
        # the same message an uninterrupted run sends: same window, same items, same Date
        assert without_boundary(data) == without_boundary(expected[message_id(data)])
    with open_store(database_path(config)) as store:
        states = [row[0] for row in store.conn.execute(
            "SELECT state FROM deliveries WHERE kind = 'digest'")]
    assert states == ["sent"] * 3
    figure(f"kill at {stage}: {before_rerun} of 3 digests accepted before the kill, "
           f"{len(handler.accepted)} messages after the re-run, {len(doubled)} sent twice")
