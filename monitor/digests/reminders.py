"""Reminder mails: ONE per address and day, combining everything due.

What is due for a subscription (``[digest] reminder_days``, 14 and 3 by default):

- a followed open call whose next deadline is that many days away or less;
- a hand-in day of the call's decision path (the owning committee's, and KS's) that many days
  away or less (:mod:`monitor.digests.decision_steps`): the approval step departments miss.

Each (thing, threshold) is reminded once: it is marked in ``reminder_marks`` with the mail
that carried it. An address's subscriptions are combined into one mail per local day; when
that day's mail has already been recorded, what became due later waits for tomorrow's mail
(the thresholds are "that many days or less", so it is still due then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from monitor.config.committees import committees
from monitor.config.settings import Config
from monitor.digests.decision_steps import days_phrase, decision_horizon, due_step_text, due_steps
from monitor.digests.subscriptions import (ALL, Subscription, digest_settings,
                                           effective_subscriptions)
from monitor.errors import DeliveryError
from monitor.mail.ledger import record, state_of
from monitor.mail.message import build_message, display_day, mail_settings, render
from monitor.model import to_iso
from monitor.store.database import Store
from monitor.store.rows import StoredItem
from monitor.text.i18n import add_messages, t
from monitor.text.when import prose_day

# The digest builder, the dispatcher and the channels are imported by the functions that send:
# opening the store runs create_table, and a command that only reads sends nothing.
if TYPE_CHECKING:
    from monitor.digests.build import DigestEntry
    from monitor.digests.dispatch import Outcome
    from monitor.mail.channels import Channel
    from monitor.pipeline.jobs import StepContext

__all__ = ["send_reminders", "mail_step", "Due"]

add_messages({
    "reminder_subject": {"sv": "Påminnelse: {when} – {title}",
                         "en": "Reminder: {when} – {title}"},
    "reminder_days_left": {"sv": "sista dag om {n} dagar", "en": "deadline in {n} days"},
    "reminder_days_left_one": {"sv": "sista dag i morgon", "en": "deadline tomorrow"},
    "reminder_days_left_zero": {"sv": "sista dag i dag", "en": "deadline today"},
    "reminder_subject_many": {"sv": "Påminnelse: {n} saker att göra – först {first}",
                              "en": "Reminder: {n} things to do – first {first}"},
    "reminder_step": {"sv": "{body} vill ha ärendet {day} ({when})",
                      "en": "{body} needs the matter by {day} ({when})"},
    "reminder_intro_many": {"sv": "Det här behöver göras snart för {audience}.",
                            "en": "This needs doing soon for {audience}."},
    "reminder_todo": {"sv": "Att göra", "en": "To do"},
    "reminder_calls": {"sv": "Utlysningarna", "en": "The calls"},
    "reminder_deadline_line": {"sv": "{day}: sista dag för ansökan – {title} ({when})",
                               "en": "{day}: application deadline – {title} ({when})"},
    "reminder_and": {"sv": " och ", "en": " and "},
})


def create_table(db: Any) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS reminder_marks (mark TEXT PRIMARY KEY, "
               "mail_key TEXT NOT NULL, created TEXT NOT NULL)")



@dataclass
class Due:
    """One thing a reminder names: ``line`` for the to-do list, ``entry`` the call in full."""

    mark: str
    days: int
    line: str
    what: str  # "sista dag om 14 dagar", "Kommunstyrelsen vill ha ärendet 5 januari 2027 (...)"
    entry: DigestEntry


def _marked(store: Store, mark: str, legacy: str | None = None) -> bool:
    found = store.conn.execute("SELECT 1 FROM reminder_marks WHERE mark = ?", [mark]).fetchone()
    return found is not None or (legacy is not None and state_of(store, legacy) is not None)


def _due_for(config: Config, store: Store, sub: Subscription, now: datetime,
             thresholds: list[int]) -> list[Due]:
    """What is due for one subscription today and not yet reminded."""
    from monitor.digests.build import reminder_builder

    lang, tz = sub.lang, config.settings.tz
    builder = reminder_builder(config, store, sub, now)
    names = builder.names
    today = now.astimezone(tz).date()
    # deadlines within the largest threshold, and those whose hand-in days can be that near
    rows = builder.followed_open_calls(max(max(thresholds) + 1, decision_horizon(
        builder.meetings, now, max(thresholds))))
    found: list[tuple[str, int, StoredItem, Any]] = []  # (mark, days, row, step or None)
    for row in rows:
        days = (display_day(row.deadline, tz) - today).days
        applicable = [d for d in thresholds if 0 <= days <= d]
        if not applicable:
            continue
        legacy = f"reminder:{sub.key}:{row.id}:{row.deadline}:{min(applicable)}"
        mark = f"deadline:{legacy.split(':', 1)[1]}"
        if not _marked(store, mark, legacy):
            found.append((mark, days, row, None))
    for due in due_steps(rows, builder.meetings, now, within_days=max(thresholds),
                         committee=sub.committee):
        applicable = [d for d in thresholds if due.days <= d]
        mark = (f"{due.step.kind}:{sub.key}:{due.row.id}:{due.step.day.isoformat()}:"
                f"{min(applicable)}")
        if not _marked(store, mark):
            found.append((mark, due.days, due.row, due))
    entries = builder.entries_for({row.id: row for _, _, row, _ in found}.values())
    out = []
    for mark, days, row, due in found:
        entry = entries.get(row.id)
        if entry is None:
            continue
        if due is None:
            when = _deadline_phrase(days, lang)
            out.append(Due(mark, days, t("reminder_deadline_line", lang, title=entry.title,
                                         when=days_phrase(days, lang), day=entry.deadline),
                           when, entry))
        else:
            body = names.get(due.step.body or "", (due.step.body or "").upper())
            phrase = t("reminder_step", lang, body=body, day=prose_day(due.step.day, lang),
                       when=days_phrase(due.days, lang))
            out.append(Due(mark, due.days, due_step_text(due, lang, names, tz,
                                                         title=entry.title), phrase, entry))
    return out


def _deadline_phrase(days: int, lang: str) -> str:
    from monitor.digests.build import count_phrase

    if days <= 0:
        return t("reminder_days_left_zero", lang)
    return count_phrase("reminder_days_left", days, lang)


def send_reminders(config: Config, store: Store, *, now: datetime,
                   committee: str | None = None, channel: Channel | None = None) -> list[Outcome]:
    """Record and send today's reminder mail for every address that has something due."""
    from monitor.digests.dispatch import Outcome, _deliver, _name
    from monitor.mail.channels import build_notifier

    thresholds = sorted(set(digest_settings(config).reminder_days))
    settings = mail_settings(config)
    label = now.astimezone(config.settings.tz).date().isoformat()
    by_address: dict[str, list[tuple[Subscription, list[Due]]]] = {}
    with store.remembering():  # the subscriptions of one committee ask the same questions
        for sub in effective_subscriptions(config, store, committee=committee):
            if sub.committee == ALL or not thresholds:
                continue
            by_address.setdefault(sub.email.lower(), []).append(
                (sub, _due_for(config, store, sub, now, thresholds)))
    outcomes: dict[str, Outcome] = {}
    for address, parts in by_address.items():
        dues = [d for _, found in parts for d in found]
        key = f"reminder:{address}:{label}"
        if not dues or state_of(store, key) is not None:
            continue  # nothing due, or today's mail went already: the rest waits for tomorrow
        subs = [sub for sub, found in parts if found]
        message = _message(config, subs, sorted(dues, key=lambda d: d.days), key, now)
        first = subs[0]
        if record(store, message, key=key, kind="reminder", sender=settings.sender,
                  name=_name("reminder", label, first.committee, key),
                  recipients=[first.email], committee=first.committee,
                  subscription=first.key, period=label, now=now):
            with store.write() as conn:
                conn.executemany("INSERT OR IGNORE INTO reminder_marks VALUES (?, ?, ?)",
                                 [(d.mark, key, to_iso(now)) for d in dues])
        outcomes[key] = Outcome(first.committee, first.email, label, "pending", key=key,
                                subject=str(message["Subject"]))
    return _deliver(store, channel or build_notifier(config), "reminder", committee, outcomes, now)


def _message(config: Config, subs: list[Subscription], dues: list[Due], key: str,
             now: datetime):  # noqa: ANN202 - EmailMessage
    from monitor.digests.dispatch import Labels, footer_lines, t_for

    lang = subs[0].lang
    names = committees(config)
    audience = t("reminder_and", lang).join(names[s.committee].display_name(lang) for s in subs)
    if len(dues) == 1:
        subject = t("reminder_subject", lang, when=dues[0].what, title=dues[0].entry.title)
    else:
        subject = t("reminder_subject_many", lang, n=len(dues),
                    first=f"{dues[0].what} – {dues[0].entry.title}")
    entries: list[DigestEntry] = []
    for due in dues:
        if all(e.item_id != due.entry.item_id for e in entries):
            entries.append(due.entry)
    context = dict(dues=dues, entries=entries, lang=lang, t=partial(t_for, lang),
                   label=Labels(lang),
                   subject=subject, audience=audience, email=subs[0].email,
                   footer=footer_lines(config, subs[0], audience), show_committees=False,
                   when=None)
    return build_message(mail_settings(config), to=[subs[0].email], subject=subject,
                         text=render("reminder.txt", **context),
                         html=render("reminder.html", **context), key=key, date=now)


def mail_step(context: StepContext) -> str | None:
    """After a poll: send the digests that are due and the reminders; fail if any is left."""
    from monitor.digests.dispatch import send_digests, summary
    from monitor.mail.channels import build_notifier

    channel = build_notifier(context.config)
    outcomes = send_digests(context.config, context.store, now=context.now, due_only=True,
                            channel=channel)
    outcomes += send_reminders(context.config, context.store, now=context.now, channel=channel)
    failed = [o for o in outcomes if o.state == "pending"]
    if failed:
        raise DeliveryError(f"{summary(outcomes, context.lang)}: {failed[0].error}")
    return summary(outcomes, context.lang)
