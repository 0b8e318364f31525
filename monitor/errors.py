"""Domain exceptions.

The library raises these; only the CLI edge turns them into user messages and exit codes::

    MonitorError                 root; ``str(e)`` is a complete message naming place and cause
    ├── ConfigError              a configuration file is wrong (exit status 2)
    ├── NotConfigured            a component lacks its settings and is disabled with a warning
    ├── SourceError              one source failed; recorded on that source's poll, others go on
    │   ├── FetchError           network, HTTP status, size cap, replay exhausted
    │   └── ParseError           the response was not what the source expects
    ├── StoreError               the database refused an operation
    ├── ApplicationError         the applications register refuses a request (Swedish/English)
    │   └── IllegalStep          a status change the rules do not allow; ``key`` names the rule
    ├── InvalidSubscription      a subscription names something unknown or malformed
    ├── DeliveryError            a channel could not deliver; the message stays pending
    ├── MeetingFetch             a body's meeting calendar could not be read (body, URL, cause)
    ├── AlreadyRunning           another ``monitor serve`` holds the database's lock file
    └── UsageError               a command was given a wrong option value (exit status 2)

Every subclass is defined here (a test compares this tree with the classes). Anything else a
poll meets — a parser's bug — is caught per source, recorded on its poll row with the
traceback and logged; the other sources go on.
"""

from __future__ import annotations

from typing import Any, Sequence

from monitor.text.i18n import MESSAGES, t

__all__ = [
    "MonitorError",
    "ConfigError",
    "NotConfigured",
    "SourceError",
    "FetchError",
    "ParseError",
    "StoreError",
    "ApplicationError",
    "IllegalStep",
    "InvalidSubscription",
    "DeliveryError",
    "AlreadyRunning",
    "MeetingFetch",
    "UsageError",
]


class MonitorError(Exception):
    """Root of every error the monitor raises on purpose."""


class ConfigError(MonitorError):
    """A configuration file is invalid.

    ``file`` and ``key`` (dotted path, or ``line N`` for syntax errors) say where;
    ``valid`` lists what would have been accepted, when that is a finite list.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        key: str | None = None,
        valid: list[str] | None = None,
    ) -> None:
        self.file = file
        self.key = key
        self.valid = valid or []
        parts = []
        if file:
            parts.append(str(file))
        if key:
            parts.append(key)
        where = ": ".join(parts)
        text = f"{where}: {message}" if where else message
        if self.valid:
            text += f" (valid: {', '.join(self.valid)})"
        super().__init__(text)
        self.message = message


class NotConfigured(MonitorError):
    """A component is missing settings it needs; callers disable it and warn."""


class SourceError(MonitorError):
    """A source failed; the message names the source and the cause."""

    def __init__(self, message: str, *, source: str | None = None, url: str | None = None,
                 status: int | None = None) -> None:
        self.source = source
        self.url = url
        self.status = status
        super().__init__(message)


class FetchError(SourceError):
    """Fetching a URL failed: network error, bad HTTP status, body too large, no replay entry."""


class ParseError(SourceError):
    """A response could not be understood (not JSON, markup redesigned, fields missing)."""


class StoreError(MonitorError):
    """The database could not complete an operation."""


class ApplicationError(MonitorError):
    """A request the register refuses; :meth:`message` renders it in Swedish or English."""

    def __init__(self, key: str, **values: Any) -> None:
        self.key, self.values = key, values
        super().__init__(self.message("en"))

    def message(self, lang: str = "sv") -> str:
        shown = {k: _status_label(v, lang) if k in ("current", "target", "required") else v
                 for k, v in self.values.items()}
        if isinstance(self.values.get("choices"), (list, tuple)):  # ids, as they are typed
            shown["choices"] = ", ".join(map(str, self.values["choices"])) or t("appl.none", lang)
        return t(self.key, lang, **shown)


def _status_label(status: Any, lang: str) -> str:
    """An application status as people read it (the messages of monitor.decisions.applications_text)."""
    key = f"appl.status.{status}"
    return t(key, lang) if key in MESSAGES else str(status)


class IllegalStep(ApplicationError):
    """A status change the rules do not allow; ``key`` names the rule."""


class InvalidSubscription(MonitorError):
    """A subscription names something unknown; ``field`` and ``valid`` say what and which."""

    def __init__(self, field: str, value: str, valid: Sequence[str] = ()) -> None:
        self.field, self.value, self.valid = field, value, list(valid)
        text = f"{field}: unknown or malformed {value!r}"
        if self.valid:
            text += f" (valid: {', '.join(self.valid)})"
        super().__init__(text)


class DeliveryError(MonitorError):
    """A channel could not deliver a message; the message stays pending and is retried."""


class AlreadyRunning(MonitorError):
    """Another ``monitor serve`` holds the lock file of this database."""


class MeetingFetch(MonitorError):
    """A body's calendar could not be read: the message names the body, URL and cause."""


class UsageError(MonitorError):
    """A command line option (or argument) has a value the command cannot use.

    ``option`` (``--committee``) and ``value`` say what; ``reason`` is the message key of the
    cause (``usage.unknown`` when omitted: not one of ``valid``), with ``values`` for it;
    ``suggestions`` are the near misses ("Menade du …?"). The CLI renders it in Swedish or
    English; ``str()`` is the English developer's form.
    """

    def __init__(self, option: str, value: object, *, reason: str = "usage.unknown",
                 valid: list[str] | None = None, suggestions: list[str] | None = None,
                 **values: object) -> None:
        self.option, self.value, self.reason = option, value, reason
        self.valid = list(valid or [])
        self.suggestions = list(suggestions or [])
        self.values = values
        text = f"{option} {value!r}: {reason}"
        if self.valid:
            text += f" (valid: {', '.join(self.valid)})"
        super().__init__(text)
