"""The Channel base class and the registry of delivery channels (``[mail] transport``).

A channel is a small class: a ``kind``, a constructor that takes :class:`MailSettings` and
raises :class:`~monitor.errors.NotConfigured` when settings it needs are missing, and
:meth:`Channel.send`, which delivers one finished message or raises :class:`DeliveryError`.
Defining a subclass with a ``kind`` registers it; its docstring is its documentation.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.config.settings import Key, schema_of
from monitor.errors import DeliveryError
from monitor.mail.message import MailSettings
from monitor.registry import Plugin, Registry

__all__ = ["Channel", "Envelope", "DeliveryError", "registry", "mail_keys"]


@dataclass(frozen=True)
class Envelope:
    """One finished message: who sends it to whom, its bytes (CRLF), a file-safe name."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes
    name: str


def mail_keys(*keys: str) -> dict[str, Key]:
    """The ``[mail]`` keys a channel reads, with the schema settings checks them by."""
    schema = schema_of(MailSettings)
    return {key: schema[key] for key in keys}


class Channel(Plugin):
    """Base class; subclasses document themselves in their docstring and declare the
    ``[mail]`` keys they read as ``options``."""

    registry = Registry("channel")

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    def send(self, envelope: Envelope) -> None:
        """Deliver one message, or raise DeliveryError."""
        raise NotImplementedError


registry = Channel.registry
