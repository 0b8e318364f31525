"""The Channel base class and the registry of delivery channels (``[mail] transport``).

A channel is a small class: a ``kind``, a constructor that takes :class:`MailSettings` and
raises :class:`~monitor.errors.NotConfigured` when settings it needs are missing, and
:meth:`Channel.send`, which delivers one finished message or raises :class:`DeliveryError`.
Defining a subclass with a ``kind`` registers it; its docstring is its documentation.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, ClassVar

from monitor.errors import DeliveryError
from monitor.mail.message import MailSettings

__all__ = ["Channel", "Envelope", "DeliveryError", "registry"]


@dataclass(frozen=True)
class Envelope:
    """One finished message: who sends it to whom, its bytes (CRLF), a file-safe name."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes
    name: str


registry: dict[str, type["Channel"]] = {}


class Channel:
    """Base class; subclasses document themselves in their docstring."""

    kind: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("kind"):
            existing = registry.get(cls.kind)
            if existing is not None and existing is not cls:
                raise RuntimeError(f"channel kind {cls.kind!r} defined twice")
            registry[cls.kind] = cls

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    @classmethod
    def description(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    def send(self, envelope: Envelope) -> None:
        """Deliver one message, or raise DeliveryError."""
        raise NotImplementedError
