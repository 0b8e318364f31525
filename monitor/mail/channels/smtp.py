"""The SMTP channel: one connection per message, STARTTLS or SSL, optional login."""

from __future__ import annotations

import smtplib
import ssl

from monitor.errors import NotConfigured
from monitor.mail.channels.base import Channel, DeliveryError, Envelope, mail_keys
from monitor.mail.message import MailSettings

__all__ = ["SmtpChannel"]


class SmtpChannel(Channel):
    """Sends through an SMTP server: [mail] smtp_host, smtp_port (587), smtp_security
    (starttls, ssl or none), smtp_user; the password only from MONITOR_SMTP_PASSWORD. Without a
    host (or with a user but no password) the channel is not configured: the monitor warns and
    writes to the outbox instead. A refused or failed message stays pending and is retried."""

    kind = "smtp"
    options = mail_keys("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_timeout")

    def __init__(self, settings: MailSettings) -> None:
        super().__init__(settings)
        if not settings.smtp_host:
            raise NotConfigured("SMTP is not configured: set [mail] smtp_host "
                                "or MONITOR_SMTP_HOST")
        if settings.smtp_user and not settings.smtp_password:
            raise NotConfigured(f"SMTP user {settings.smtp_user!r} is set but "
                                "MONITOR_SMTP_PASSWORD is empty")

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_security == "ssl":
            return smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout,
                                    context=ssl.create_default_context())
        return smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)

    def send(self, envelope: Envelope) -> None:
        s = self.settings
        try:
            with self._connect() as smtp:
                if s.smtp_security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password)
                smtp.sendmail(envelope.sender, list(envelope.recipients), envelope.data)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {s.smtp_host}:{s.smtp_port}: "
                                f"{type(exc).__name__}: {exc}") from exc
