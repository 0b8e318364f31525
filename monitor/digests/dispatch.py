"""The second hop: store query per subscription → digest → channel → recorded as sent.

When a period is due: a weekly digest's period is an ISO week, and it is due from the first
time in that week at which ``[schedule] digests`` fires (Monday 07:00 by default) until the week
ends; a daily digest's period is a day, due from the first ``daily_digests`` time that day. A
due period is sent by whichever comes first: the scheduled ``digests`` job, or any ``monitor
run`` / scheduled poll after that time (the step :mod:`monitor.app` runs after a poll). A period missed
entirely (the machine was off all week) is not sent late; the next period's digest starts where
the last sent one ended, so nothing is lost. ``monitor digest --send`` sends the current period
at once, due or not.

Each digest covers the window from the end of the subscription's previous digest to the moment
it is built; a first digest looks back one period, and the first digests after install are a
catch-up (:func:`monitor.digests.build.build_digest`). Reminders (deadlines and decision hand-in
days, one mail per address and day) are in :mod:`monitor.digests.reminders`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from functools import partial
from pathlib import Path

from monitor.config.settings import Config
from monitor.digests.build import Digest, Period, build_digest, count_phrase
from monitor.digests.subscriptions import (ALL, Subscription, digest_settings,
                                           effective_subscriptions)
from monitor.mail.channels import Channel, Envelope, build_notifier
from monitor.mail.channels.outbox import OutboxChannel
from monitor.mail.ledger import (SENT, deliver_pending, delivery_outline, digest_recorded_before,
                                 last_window_end, record, recorded_window, state_of)
from monitor.mail.message import build_message, long_date, mail_settings, message_bytes, render
from monitor.pipeline.schedule import first_fire, schedule_settings
from monitor.store.database import Store
from monitor.text.i18n import add_messages, t
from monitor.web.links import web_links

__all__ = ["Outcome", "is_due", "send_digests", "preview_digests", "summary",
           "digest_key"]

add_messages({
    "digest_outcome_sent": {"sv": "skickat", "en": "sent"},
    "digest_outcome_pending": {"sv": "väntar, skickas vid nästa körning",
                               "en": "pending, retried next run"},
    "digest_outcome_already": {"sv": "redan skickat", "en": "already sent"},
    "digest_outcome_empty": {"sv": "tomt, skickas inte", "en": "empty, not sent"},
    "digest_outcome_preview": {"sv": "förhandsvisning", "en": "preview"},
    "digest_outcome_planned": {"sv": "skulle skickas (--send skickar)",
                               "en": "would be sent (--send sends)"},
    "mail_summary_digests": {"sv": "{n} sammanfattningar skickade", "en": "{n} digests sent"},
    "mail_summary_digests_one": {"sv": "1 sammanfattning skickad", "en": "1 digest sent"},
    "mail_summary_reminders": {"sv": "{n} påminnelser skickade", "en": "{n} reminders sent"},
    "mail_summary_reminders_one": {"sv": "1 påminnelse skickad", "en": "1 reminder sent"},
    "mail_summary_pending": {"sv": "{n} väntar på nytt försök", "en": "{n} waiting for a retry"},
    "mail_footer": {"sv": "Du får det här mejlet för att {email} bevakar {audience}.",
                    "en": "You get this mail because {email} follows {audience}."},
    "mail_footer_contact": {"sv": "Frågor om bevakningen: {contact}.",
                            "en": "Questions about the monitoring: {contact}."},
    "mail_footer_change": {
        "sv": "Vill du ändra vad du får eller sluta få mejlet? Hör av dig till {contact}"
              " (som kör `monitor unsubscribe {committee} --email {email}`).",
        "en": "To change what you get or stop this mail, contact {contact}"
              " (who runs `monitor unsubscribe {committee} --email {email}`)."},
    "mail_footer_nobody": {"sv": "kommunens internationella samordnare",
                           "en": "the municipality's international coordinator"},
    "mail_window": {"sv": "Nytt sedan {since}.", "en": "New since {since}."},
    "mail_web_links": {"sv": "På intranätet:", "en": "On the intranet:"},
    "mail_web_page": {"sv": "sidan", "en": "the page"},
    "mail_web_ics": {"sv": "kalender", "en": "calendar"},
    "digest_label_why": {"sv": "Varför", "en": "Why"},
    "digest_label_also": {"sv": "Även hos", "en": "Also at"},
    "digest_label_changes": {"sv": "Ändring", "en": "Change"},
    "reminder_intro": {"sv": "En utlysning som {audience} bevakar stänger snart.",
                       "en": "A call that {audience} follows closes soon."},
})


@dataclass
class Outcome:
    """What happened to one planned message."""

    committee: str
    email: str
    period: str
    state: str  # sent, pending, already, empty, preview, planned
    subject: str = ""
    key: str = ""
    error: str | None = None
    path: Path | None = None


def digest_key(sub: Subscription, period: Period) -> str:
    return f"digest:{sub.key}:{period.label}"


def _name(kind: str, label: str, committee: str, key: str) -> str:
    return f"{kind}_{label}_{committee}_{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def is_due(config: Config, period: Period, now: datetime) -> bool:
    """Whether the period's schedule time has come (and the period has not ended)."""
    schedule = schedule_settings(config)
    expression = schedule.digests if period.frequency == "weekly" else schedule.daily_digests
    fire = first_fire(expression, config.settings.tz, period.start)
    return fire is not None and fire < period.end and fire <= now < period.end


def _plan(config: Config, store: Store, now: datetime, period: str | None,
          committee: str | None, frequency: str | None) -> list[tuple[Subscription, Period]]:
    tz = config.settings.tz
    chosen = Period.parse(period, tz) if period else None
    plan = []
    for sub in effective_subscriptions(config, store, committee=committee):
        if frequency and sub.frequency != frequency:
            continue
        if chosen is not None and chosen.frequency != sub.frequency:
            continue
        plan.append((sub, chosen or Period.containing(now, sub.frequency, tz)))
    return plan


def _window(store: Store, sub: Subscription, period: Period,
            now: datetime) -> tuple[datetime, datetime, bool]:
    """(since, until, catch_up). The first digests after install (no digest recorded before
    this window's end) are a catch-up (see :func:`monitor.digests.build.build_digest`)."""
    recorded = recorded_window(store, digest_key(sub, period))
    if recorded:
        since, until = recorded
    else:
        since = last_window_end(store, sub.key) or period.start - (period.end - period.start)
        since, until = min(since, now), now
    return since, until, not digest_recorded_before(store, until)


def coordinator(config: Config) -> tuple[str, str]:
    """(name, address) of the coordinator: ``[organisation] coordinator`` and ``[mail]
    admin``; either may be empty."""
    section = config.settings.section("organisation") or {}
    return str(section.get("coordinator") or ""), mail_settings(config).admin


def footer_lines(config: Config, sub: Subscription, audience: str) -> list[str]:
    """Why the reader gets the mail, whom to ask, how to change or stop it."""
    lang = sub.lang
    name, address = coordinator(config)
    contact = ", ".join(p for p in (name, address) if p) or t("mail_footer_nobody", lang)
    return [t("mail_footer", lang, email=sub.email, audience=audience),
            t("mail_footer_contact", lang, contact=contact),
            t("mail_footer_change", lang, contact=address or contact,
              committee=sub.committee, email=sub.email)]


def digest_message(config: Config, digest: Digest, now: datetime) -> EmailMessage:
    """The digest as a multipart/alternative mail from the two templates."""
    settings = mail_settings(config)
    sub, lang = digest.subscription, digest.lang
    context = dict(
        digest=digest, groups=digest.groups, lang=lang, t=partial(t_for, lang),
        label=Labels(lang),
        subject=digest.subject(), period_title=digest.period.title(lang),
        audience=digest.audience, email=sub.email,
        since=long_date(digest.since, config.settings.tz, lang), summary=digest.summary(),
        footer=footer_lines(config, sub, digest.audience),
        catch_up_days=digest_settings(config)["catch_up_days"],
        show_committees=sub.committee == ALL,
        web_links=web_links(config, sub.committee))
    return build_message(settings, to=[sub.email], subject=context["subject"],
                         text=render("digest.txt", **context),
                         html=render("digest.html", **context),
                         key=digest_key(sub, digest.period), date=now)


def t_for(lang: str, key: str, **values: object) -> str:
    """``t`` with the language first, for templates: ``t("digest_label_why")``."""
    return t(key, lang, **values)


class Labels(dict):
    """A template's fixed words, ``label["col_source"]`` = ``t("col_source")``, each looked
    up once: an entry's template reads several for every entry (a call of ``t`` from a
    template costs more than the word)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def __missing__(self, key: str) -> str:
        self[key] = word = t(key, self.lang)
        return word


def send_digests(config: Config, store: Store, *, now: datetime,
                 period: str | None = None, committee: str | None = None,
                 frequency: str | None = None, due_only: bool = False,
                 channel: Channel | None = None) -> list[Outcome]:
    """Build, record and deliver the digests of the current (or given) period."""
    send_empty = digest_settings(config).send_empty
    outcomes: dict[str, Outcome] = {}
    with store.remembering():  # the digests share their questions; only the ledger is written
        for sub, per in _plan(config, store, now, period, committee, frequency):
            if due_only and not is_due(config, per, now):
                continue
            _record_digest(config, store, sub, per, now, outcomes, send_empty=send_empty)
    return _deliver(store, channel or build_notifier(config), "digest", committee, outcomes, now)


def _record_digest(config: Config, store: Store, sub: Subscription, per: Period,
                   now: datetime, outcomes: dict[str, Outcome], *, send_empty: bool) -> None:
    """Build and record one subscription's digest of ``per`` unless it is recorded already
    (or empty and ``[digest] send_empty`` is off); its outcome goes into ``outcomes``."""
    key = digest_key(sub, per)
    outcome = outcomes[key] = Outcome(sub.committee, sub.email, per.label, "pending", key=key)
    state = state_of(store, key)
    if state == SENT:
        outcome.state = "already"
        return
    if state is not None:  # recorded, not yet sent: delivered below
        return
    since, until, catch_up = _window(store, sub, per, now)
    digest = build_digest(config, store, sub, per, since=since, until=until, catch_up=catch_up)
    outcome.subject = digest.subject()
    if digest.is_empty and not send_empty:
        outcome.state = "empty"
        return
    message = digest_message(config, digest, now)
    record(store, message, key=key, kind="digest", sender=mail_settings(config).sender,
           name=_name("digest", per.label, sub.committee, key), recipients=[sub.email],
           committee=sub.committee, subscription=sub.key, period=per.label,
           since=since, until=until, now=now)


def _deliver(store: Store, channel: Channel, kind: str, committee: str | None,
             outcomes: dict[str, Outcome], now: datetime) -> list[Outcome]:
    """Deliver every pending message of ``kind`` (also earlier runs' leftovers)."""
    report = deliver_pending(store, channel, kind=kind, committee=committee, now=now)
    for key in report.sent:
        outcome = outcomes.get(key) or _outcome_from_ledger(store, key)
        outcome.state = "sent"
        outcomes[key] = outcome
    for key, error in report.failed:
        outcome = outcomes.get(key) or _outcome_from_ledger(store, key)
        outcome.state, outcome.error = "pending", error
        outcomes[key] = outcome
    for outcome in outcomes.values():
        outcome.subject = outcome.subject or _subject(store, outcome.key)
    return list(outcomes.values())


def _outcome_from_ledger(store: Store, key: str) -> Outcome:
    committee, recipients, period, _ = delivery_outline(store, key)
    return Outcome(committee, ", ".join(recipients), period, "pending", key=key)


def _subject(store: Store, key: str) -> str:
    return delivery_outline(store, key)[3]


def preview_digests(config: Config, store: Store, folder: Path | None, *,
                    now: datetime, period: str | None = None,
                    committee: str | None = None) -> list[Outcome]:
    """Write the digests to ``folder`` as .eml + .html (None: only list them); record nothing.

    A digest already recorded is rebuilt over its recorded window, so the preview shows what
    was sent (with today's templates).
    """
    send_empty = digest_settings(config).send_empty
    settings = mail_settings(config)
    channel = OutboxChannel(settings, folder) if folder is not None else None
    outcomes = []
    for sub, per in _plan(config, store, now, period, committee, None):
        key = digest_key(sub, per)
        since, until, catch_up = _window(store, sub, per, now)
        digest = build_digest(config, store, sub, per, since=since, until=until,
                              catch_up=catch_up)
        outcome = Outcome(sub.committee, sub.email, per.label, "preview", key=key,
                          subject=digest.subject())
        outcomes.append(outcome)
        if digest.is_empty and not send_empty:
            outcome.state = "empty"
        elif channel is None:
            outcome.state = "already" if state_of(store, key) == SENT else "planned"
        else:
            envelope = Envelope(sender=settings.sender, recipients=(sub.email,),
                                data=message_bytes(digest_message(config, digest, now)),
                                name=_name("digest", per.label, sub.committee, key))
            channel.send(envelope)
            outcome.path = channel.path_for(envelope)
    return outcomes


def summary(outcomes: list[Outcome], lang: str) -> str | None:
    """One line for logs and ``monitor run``: how many were sent, how many wait."""
    parts = []
    sent_digests = sum(1 for o in outcomes if o.state == "sent" and o.key.startswith("digest:"))
    sent_reminders = sum(1 for o in outcomes if o.state == "sent" and o.key.startswith("reminder:"))
    pending = sum(1 for o in outcomes if o.state == "pending")
    if sent_digests:
        parts.append(count_phrase("mail_summary_digests", sent_digests, lang))
    if sent_reminders:
        parts.append(count_phrase("mail_summary_reminders", sent_reminders, lang))
    if pending:
        parts.append(t("mail_summary_pending", lang, n=pending))
    return ", ".join(parts) or None
