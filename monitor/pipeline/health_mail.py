"""The step after a poll that mails the administrator about sources that broke or recovered.

It reads the notices :mod:`monitor.pipeline.health` leaves and sends each once through
:func:`monitor.mail.channels.send_notice` (whose ledger makes a retry after a crash safe);
a notice is marked sent only when the ledger says it went out, so a failed delivery or a
missing ``[mail] admin`` leaves it for the next run.
"""

from __future__ import annotations

from monitor.mail.channels import send_notice
from monitor.mail.ledger import state_of
from monitor.pipeline.health import mark_notice_sent, pending_health_notices
from monitor.pipeline.jobs import StepContext
from monitor.text.i18n import add_messages, t

__all__ = ["health_mail_step"]

add_messages({
    "health_subject_degraded": {"sv": "Källa ger inga poster: {source}",
                                "en": "Source yields no items: {source}"},
    "health_subject_recovered": {"sv": "Källa fungerar igen: {source}",
                                 "en": "Source works again: {source}"},
    "health_subject_failing": {"sv": "Källa kan inte hämtas: {source}",
                               "en": "Source cannot be polled: {source}"},
    "health_subject_suspect": {"sv": "Kontrollera tolkningen: {source} gav inga sista dagar",
                               "en": "Check the parser: {source} gave no deadlines"},
    "health_mail_sent": {"sv": "meddelanden om källor skickade: {n}",
                         "en": "source notices sent: {n}"},
})


def health_mail_step(context: StepContext) -> str | None:
    """Send every pending source health notice to the administrator; say how many went."""
    lang = context.config.settings.language  # the notice text was written in this language
    sent = 0
    for notice in pending_health_notices(context.store):
        key = f"health:{notice.source}:{notice.event}:{notice.created}"
        subject = t(f"health_subject_{notice.event}", lang, source=notice.source)
        send_notice(context.config, context.store, subject, notice.text, key=key,
                    now=context.now)
        if state_of(context.store, f"notice:{key}") == "sent":
            mark_notice_sent(context.store, notice.source, created=notice.created,
                             now=context.now)
            sent += 1
    return t("health_mail_sent", context.lang, n=sent) if sent else None
