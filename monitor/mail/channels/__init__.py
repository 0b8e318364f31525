"""Delivery channels, chosen by ``[mail] transport``, and notices to the coordinator.

Each module in this package defines one channel class (``outbox``, ``smtp``); defining it
registers it. :func:`build_notifier` returns the configured channel, or the outbox with a
warning when the configured one lacks settings (:class:`~monitor.errors.NotConfigured`).
:func:`send_notice` mails the admin address once per key (source health and the like).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import pkgutil
from datetime import datetime

from monitor.config.settings import Config
from monitor.errors import NotConfigured
from monitor.mail.channels.base import Channel, DeliveryError, Envelope, registry
from monitor.mail.message import build_message, mail_settings
from monitor.store.database import Store

__all__ = ["Channel", "DeliveryError", "Envelope", "registry", "build_notifier", "send_notice"]

log = logging.getLogger(__name__)

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_") and _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")


def build_notifier(config: Config) -> Channel:
    """The configured channel; the outbox (with a warning) when it is not configured."""
    settings = mail_settings(config)
    try:
        return registry.get(settings.transport)(settings)
    except NotConfigured as exc:
        log.warning("%s; writing mail to the outbox %s instead", exc, settings.outbox)
        return registry.get("outbox")(settings)


def send_notice(config: Config, store: Store, subject: str, text: str, *, key: str,
                now: datetime, channel: Channel | None = None) -> bool:
    """Mail ``text`` to ``[mail] admin`` exactly once per ``key``.

    Returns True when this call delivered it; False when it was delivered before, when the
    delivery failed (it stays pending and the next call with the same key retries it), or when
    no admin address is configured (logged as a warning).
    """
    from monitor.mail.ledger import deliver_pending, record  # the ledger imports this package

    settings = mail_settings(config)
    if not settings.admin:
        log.warning("notice %r not sent: [mail] admin is not set", subject)
        return False
    ledger_key = f"notice:{key}"
    message = build_message(settings, to=[settings.admin], subject=subject, text=text,
                            html=None, key=ledger_key, date=now)
    name = "notice_" + hashlib.sha256(ledger_key.encode()).hexdigest()[:12]
    record(store, message, key=ledger_key, kind="notice", name=name, sender=settings.sender,
           recipients=[settings.admin], now=now)
    report = deliver_pending(store, channel or build_notifier(config), keys={ledger_key},
                             kind="notice", now=now)
    for _, error in report.failed:
        log.warning("notice %r not delivered, will retry: %s", subject, error)
    return bool(report.sent)
