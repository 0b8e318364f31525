"""Mail settings, header sanitising, Swedish/English dates and message building.

Everything that turns text into an RFC 5322 message lives here, so the rules for untrusted text
are in one place: a title from a funder's page may carry CR/LF, NUL, Unicode line separators or
RFC 2047 encoded-word sequences; :func:`clean_header` removes or breaks all of them before the
text reaches a header, and :func:`safe_href` lets only http(s) URLs become links.

Settings come from ``[mail]`` in ``settings.toml``; the environment overrides them
(``MONITOR_SMTP_HOST``, ``MONITOR_SMTP_PORT``, ``MONITOR_SMTP_USER``, ``MONITOR_SMTP_PASSWORD``,
``MONITOR_SMTP_SECURITY``, ``MONITOR_MAIL_FROM``, ``MONITOR_MAIL_TRANSPORT``, ``MONITOR_OUTBOX``).
The SMTP password is read only from the environment, never from a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date
from email.utils import formataddr
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from . import when as _when
from .committees import check_email
from .config import SECTION_SCHEMAS, Config, Key, beside
from .errors import ConfigError

__all__ = ["MailSettings", "mail_settings", "clean_header", "safe_href", "long_date",
           "display_day", "message_id", "build_message", "render", "message_bytes", "TRANSPORTS",
           "SECURITY_MODES"]

TRANSPORTS = ("outbox", "smtp")
SECURITY_MODES = ("none", "starttls", "ssl")
HEADER_LIMIT = 160  # characters of a header made from untrusted text


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}, got {value!r}"
    return check


def _email_or_empty(value: str) -> str | None:
    return None if value == "" else check_email(value)


def _port(value: int) -> str | None:
    return None if 0 < value < 65536 else f"must be a TCP port 1-65535, got {value}"


MAIL_SCHEMA: dict[str, Key] = {
    "transport": Key(str, "outbox", _one_of(*TRANSPORTS), doc="outbox (files) or smtp"),
    "outbox": Key(str, "../data/outbox", doc="folder of .eml files for the outbox transport, "
                  "relative to the configuration folder (MONITOR_OUTBOX: to the working "
                  "directory)"),
    "from": Key(str, "omvarldsbevakning@example.invalid", check_email, doc="sender address"),
    "from_name": Key(str, "Omvärldsbevakning", doc="sender display name"),
    "admin": Key(str, "", _email_or_empty, doc="the coordinator's address for notices"),
    "smtp_host": Key(str, "", doc="SMTP server; empty = not configured"),
    "smtp_port": Key(int, 587, _port),
    "smtp_security": Key(str, "starttls", _one_of(*SECURITY_MODES)),
    "smtp_user": Key(str, "", doc="login name; the password comes from MONITOR_SMTP_PASSWORD"),
    "smtp_timeout": Key(float, 30.0, lambda v: None if v > 0 else "must be greater than 0"),
}
SECTION_SCHEMAS["mail"] = MAIL_SCHEMA

# (environment variable, [mail] key, how to convert the text)
ENV_OVERRIDES: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
    ("MONITOR_MAIL_TRANSPORT", "transport", str),
    ("MONITOR_OUTBOX", "outbox", str),
    ("MONITOR_MAIL_FROM", "from", str),
    ("MONITOR_SMTP_HOST", "smtp_host", str),
    ("MONITOR_SMTP_PORT", "smtp_port", int),
    ("MONITOR_SMTP_SECURITY", "smtp_security", str),
    ("MONITOR_SMTP_USER", "smtp_user", str),
)


@dataclass(frozen=True)
class MailSettings:
    """``[mail]`` after the environment overrides; ``smtp_password`` only from the environment."""

    transport: str = "outbox"
    outbox: Path = Path("../data/outbox")
    sender: str = "omvarldsbevakning@example.invalid"
    sender_name: str = "Omvärldsbevakning"
    admin: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout: float = 30.0

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2]


def mail_settings(config: Config) -> MailSettings:
    """The ``[mail]`` section with environment overrides, each checked like the file's keys."""
    values = dict(config.settings.section("mail") or {})
    if not values:  # settings loaded before this module registered its schema
        values = {key: spec.default for key, spec in MAIL_SCHEMA.items()}
    for variable, key, convert in ENV_OVERRIDES:
        raw = os.environ.get(variable)
        if raw is None or raw == "":
            continue
        try:
            value = convert(raw.strip())
        except ValueError:
            raise ConfigError(f"must be a number, got {raw!r}", file="environment",
                              key=variable) from None
        problem = MAIL_SCHEMA[key].check(value) if MAIL_SCHEMA[key].check else None
        if problem:
            raise ConfigError(problem, file="environment", key=variable)
        values[key] = value
    outbox = Path(values["outbox"]) if os.environ.get("MONITOR_OUTBOX") else \
        beside(config.dir, values["outbox"])
    return MailSettings(
        transport=values["transport"], outbox=outbox, sender=values["from"],
        sender_name=values["from_name"], admin=values["admin"], smtp_host=values["smtp_host"],
        smtp_port=values["smtp_port"], smtp_security=values["smtp_security"],
        smtp_user=values["smtp_user"], smtp_password=os.environ.get("MONITOR_SMTP_PASSWORD", ""),
        smtp_timeout=values["smtp_timeout"])


# ------------------------------------------------------------------------- untrusted text
def clean_header(value: str, limit: int = HEADER_LIMIT) -> str:
    """Untrusted text made safe for one header line.

    Control characters (CR, LF, NUL, TAB ...) and Unicode line/paragraph separators become
    spaces; invisible format characters (bidi overrides, zero-width joiners), surrogates and
    unassigned code points are dropped; whitespace runs collapse; ``=?`` is broken so no
    RFC 2047 encoded word can be smuggled in; the result is capped at ``limit`` characters.
    """
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            kept.append(" ")
        elif category not in ("Cf", "Cs", "Co", "Cn"):
            kept.append(char)
    text = " ".join("".join(kept).split())
    text = text.replace("=?", "= ?").replace("?=", "? =")
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return text


def safe_href(url: str | None) -> str | None:
    """The URL when it may become a link (absolute http or https with a host), else None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in ' "<>' for c in url):
        return None
    return url


# ------------------------------------------------------------------------------- dates
# One rule for the day a deadline is shown on, everywhere: monitor.when.
MONTHS = _when.MONTHS


def display_day(value: str | date | datetime, tz: ZoneInfo) -> date:
    """The calendar day a deadline or opening falls on, as :func:`long_date` shows it."""
    return _when.shown(value, tz).day


def long_date(value: str | date | datetime | None, tz: ZoneInfo, lang: str = "sv", *,
              with_time: bool = True) -> str:
    """``15 januari 2027`` / ``3 January 2027``, with the time where it says something."""
    return _when.prose(value, tz, lang, with_time=with_time)


# ----------------------------------------------------------------------------- messages
def message_id(key: str, domain: str) -> str:
    """A Message-ID that is the same every time for the same key (subscription + period)."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", key.split(":", 1)[0])[:20]
    return f"<{slug}.{digest}@{domain}>"


def build_message(settings: MailSettings, *, to: list[str], subject: str, text: str,
                  html: str | None, key: str, date: datetime) -> EmailMessage:
    """A multipart/alternative message (plain text first, HTML second) with safe headers."""
    message = EmailMessage(policy=policy.SMTP)
    message.set_raw("Subject", encode_header(clean_header(subject), "Subject"))
    message.set_raw("From", formataddr((clean_header(settings.sender_name, 40), settings.sender),
                                       charset="utf-8"))
    message["To"] = ", ".join(to)
    message["Date"] = rfc2822_date(date)
    message["Message-ID"] = message_id(key, settings.domain)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"  # Outlook: no out-of-office replies
    message.set_content(text, subtype="plain", charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def encode_header(text: str, name: str) -> str:
    """RFC 2047 encoding folded to 76 columns, spaces kept inside the encoded words.

    The email package's own folding (3.11) can drop the space between two encoded words of a
    long non-ASCII subject; the older ``Header`` class encodes it correctly, and a value set
    raw with lines this short is written as it is.
    """
    charset = "us-ascii" if text.isascii() else "utf-8"
    return Header(text, charset, header_name=name).encode(maxlinelen=76)


def message_bytes(message: EmailMessage) -> bytes:
    """The message as sent: CRLF line ends, every header encoded for 7-bit transport."""
    return message.as_bytes(policy=policy.SMTP)


@lru_cache(maxsize=1)
def _environment():  # noqa: ANN202 - jinja2.Environment, imported late to keep start-up fast
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(loader=PackageLoader("monitor.notifications", "templates"),
                       autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render(template: str, **context: Any) -> str:
    """Render one template of ``monitor/notifications/templates`` (HTML ones autoescaped)."""
    return _environment().get_template(template).render(**context)
