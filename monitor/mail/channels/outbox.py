"""The outbox channel: every message becomes a file."""

from __future__ import annotations

import email
import os
import re
import tempfile
from email import policy
from pathlib import Path

from monitor.mail.channels.base import Channel, DeliveryError, Envelope, mail_keys
from monitor.mail.message import MailSettings

__all__ = ["OutboxChannel", "atomic_write"]


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` so a reader sees the old file or the whole new one, never half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class OutboxChannel(Channel):
    """Writes each message as ``<name>.eml`` in the outbox folder ([mail] outbox,
    MONITOR_OUTBOX; default data/outbox), with ``<name>.html`` beside it to look at in a
    browser. Outlook and Thunderbird open .eml files; a mail server can pick them up. The same
    message written again replaces its file, so a retry never makes a second copy."""

    kind = "outbox"
    options = mail_keys("outbox")

    def __init__(self, settings: MailSettings, folder: Path | None = None) -> None:
        super().__init__(settings)
        self.folder = Path(folder) if folder is not None else settings.outbox

    def path_for(self, envelope: Envelope) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9._-]+", "_", envelope.name) + ".eml")

    def send(self, envelope: Envelope) -> None:
        target = self.path_for(envelope)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            html = _html_part(envelope.data)
            if html is not None:  # the preview first, so a visible .eml always has one
                atomic_write(target.with_suffix(".html"), html.encode("utf-8"))
            atomic_write(target, envelope.data)
        except OSError as exc:
            raise DeliveryError(f"outbox {self.folder}: cannot write {target.name}: "
                                f"{exc.strerror or exc}") from exc


def _html_part(data: bytes) -> str | None:
    message = email.message_from_bytes(data, policy=policy.default)
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else None
