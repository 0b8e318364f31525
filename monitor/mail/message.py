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

import dataclasses
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from monitor.config.committees import check_email
from monitor.config.settings import Config, Section, beside, setting, with_environment
from monitor.errors import ConfigError
from monitor.text import when as _when

if TYPE_CHECKING:  # the email package: imported by the functions that build a message
    from email.message import EmailMessage

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


@dataclass(frozen=True)
class MailSettings(Section):
    """``[mail]``; each ``env`` variable overrides the file's value (see :func:`mail_settings`),
    ``smtp_password`` comes only from the environment."""

    transport: str = setting("outbox", _one_of(*TRANSPORTS), "outbox (files) or smtp",
                             env="MONITOR_MAIL_TRANSPORT")
    outbox: Path = setting(Path("../data/outbox"), None,
                           "folder of .eml files for the outbox transport, relative to the "
                           "configuration folder (MONITOR_OUTBOX: to the working directory)",
                           env="MONITOR_OUTBOX")
    sender: str = setting("omvarldsbevakning@example.invalid", check_email, "sender address",
                          key="from", env="MONITOR_MAIL_FROM")
    sender_name: str = setting("Omvärldsbevakning", None, "sender display name", key="from_name")
    admin: str = setting("", _email_or_empty, "the coordinator's address for notices")
    smtp_host: str = setting("", None, "SMTP server; empty = not configured",
                             env="MONITOR_SMTP_HOST")
    smtp_port: int = setting(587, _port, env="MONITOR_SMTP_PORT")
    smtp_security: str = setting("starttls", _one_of(*SECURITY_MODES),
                                 env="MONITOR_SMTP_SECURITY")
    smtp_user: str = setting("", None, "login name; the password comes from "
                             "MONITOR_SMTP_PASSWORD", env="MONITOR_SMTP_USER")
    smtp_password: str = setting("", env="MONITOR_SMTP_PASSWORD", in_file=False)
    smtp_timeout: float = setting(30.0, lambda v: None if v > 0 else "must be greater than 0")

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2]


def mail_settings(config: Config) -> MailSettings:
    """The ``[mail]`` section with environment overrides, each checked like the file's keys."""
    settings = config.settings.section("mail", MailSettings)
    if not os.environ.get("MONITOR_OUTBOX", "").strip():  # the file's path: beside the config
        settings = dataclasses.replace(settings, outbox=beside(config.dir, settings.outbox))
    return with_environment(settings, os.environ)


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
    if _NOT_IN_HREF.search(url):
        return None
    return url


#: what never stands in a link: control characters (category Cc), line and paragraph
#: separators (Zl, Zp), space, quote and angle brackets
_NOT_IN_HREF = re.compile('[\x00-\x20\x7f-\x9f\u2028\u2029"<>]')


# ------------------------------------------------------------------------------- dates
# One rule for the day a deadline is shown on, everywhere: monitor.text.when.
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
    from email import policy
    from email.utils import format_datetime as rfc2822_date
    from email.utils import formataddr

    from monitor.mail.mime import TEXT_PARTS, Message  # the email package's output, faster

    message = Message(policy=policy.SMTP)
    message.set_raw("Subject", encode_header(clean_header(subject), "Subject"))
    message.set_raw("From", formataddr((clean_header(settings.sender_name, 40), settings.sender),
                                       charset="utf-8"))
    message["To"] = ", ".join(to)
    message["Date"] = rfc2822_date(date)
    message["Message-ID"] = message_id(key, settings.domain)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"  # Outlook: no out-of-office replies
    message.set_content(text, subtype="plain", charset="utf-8", content_manager=TEXT_PARTS)
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8",
                                content_manager=TEXT_PARTS)
    return message


def encode_header(text: str, name: str) -> str:
    """RFC 2047 encoding folded to 76 columns, spaces kept inside the encoded words.

    The email package's own folding (3.11) can drop the space between two encoded words of a
    long non-ASCII subject; the older ``Header`` class encodes it correctly, and a value set
    raw with lines this short is written as it is.
    """
    from email.header import Header

    charset = "us-ascii" if text.isascii() else "utf-8"
    return Header(text, charset, header_name=name).encode(maxlinelen=76)


def message_bytes(message: EmailMessage) -> bytes:
    """The message as sent: CRLF line ends, every header encoded for 7-bit transport."""
    from email import policy

    return message.as_bytes(policy=policy.SMTP)


@lru_cache(maxsize=1)
def _environment():  # noqa: ANN202 - jinja2.Environment, imported late to keep start-up fast
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    # auto_reload off: the templates ship with the package, so a compiled template is never
    # checked against its file again (a digest includes _entry once per entry)
    return Environment(loader=PackageLoader("monitor.mail", "templates"),
                       autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                       auto_reload=False)


def render(template: str, **context: Any) -> str:
    """Render one template of ``monitor/mail/templates`` (HTML ones autoescaped)."""
    return _environment().get_template(template).render(**context)
