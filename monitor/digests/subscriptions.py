"""Who gets which digest: subscriptions stored in the database, plus the configured defaults.

Every committee in ``committees.toml`` is subscribed at its department's address unless
``[digest] default_subscriptions = false``; ``monitor subscribe`` adds people, and the same
committee + address given explicitly replaces the default (to narrow or widen it).
``monitor unsubscribe`` of a default leaves an opt-out row so the default stays off.

What a subscription follows: items tagged with its committee (with ``priorities`` given: only
those that also carry one of them), plus items matching any of its ``topics`` as a full-text
search (widening beyond the committee's area); with ``sources`` given, only items from those.
The committee ``all`` is the coordinator's overview: every tagged item, grouped by committee,
and the open calls no committee got.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from monitor.config.committees import check_email, committees, priorities
from monitor.config.settings import Config, Section, setting
from monitor.errors import InvalidSubscription
from monitor.model import to_iso
from monitor.store.database import Store

__all__ = ["Subscription", "InvalidSubscription", "ALL", "FREQUENCIES", "subscribe",
           "unsubscribe", "effective_subscriptions", "validate", "digest_settings",
           "DigestSettings"]

log = logging.getLogger(__name__)
ALL = "all"
FREQUENCIES = ("weekly", "daily")


def _reminder_days(value: list) -> str | None:
    if not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in value):
        return f"must be a list of whole days greater than 0, got {value!r}"
    return None


@dataclass(frozen=True)
class DigestSettings(Section):
    """``[digest]``: who gets a digest by default and what it says."""

    default_subscriptions: bool = setting(True, None, "each committee's email gets its digest")
    send_empty: bool = setting(False, None, "send a digest even when it has nothing to say")
    closing_days: int = setting(30, lambda v: None if v > 0 else "must be greater than 0",
                                "'closes soon' means a deadline within this many days")
    reminder_days: list[int] = setting(
        [14, 3], _reminder_days, "reminders this many days before a followed call's deadline")
    overview_cap: int = setting(15, lambda v: None if v > 0 else "must be greater than 0",
                                "the overview (all) lists at most this many items per section")
    catch_up_days: int = setting(14, lambda v: None if v >= 0 else "must be 0 or more",
                                 "a first digest lists in full what was published or opened "
                                 "this many days back (0: everything)")


def digest_settings(config: Config) -> DigestSettings:
    """``[digest]`` (its defaults when the settings were read without this feature)."""
    return config.settings.section("digest", DigestSettings)


def create_table(db: Any) -> None:
    db.execute("""
        CREATE TABLE IF NOT EXISTS subscriptions (
            committee TEXT NOT NULL, email TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,
            priorities TEXT NOT NULL DEFAULT '[]', topics TEXT NOT NULL DEFAULT '[]',
            sources TEXT NOT NULL DEFAULT '[]', frequency TEXT NOT NULL DEFAULT 'weekly',
            lang TEXT NOT NULL DEFAULT 'sv', created TEXT NOT NULL,
            PRIMARY KEY (committee, email))""")


@dataclass(frozen=True)
class Subscription:
    """One recipient's digest for one committee (or ``all``), narrowed or widened."""

    committee: str
    email: str
    priorities: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    frequency: str = "weekly"
    lang: str = "sv"
    origin: str = "subscribed"  # or "default" (from committees.toml)

    @property
    def key(self) -> str:
        """Identity in the delivery ledger and Message-IDs: committee and address."""
        return f"{self.committee}:{self.email.lower()}"

    def public(self) -> dict[str, Any]:
        return {"committee": self.committee, "email": self.email,
                "frequency": self.frequency, "lang": self.lang,
                "priorities": list(self.priorities), "topics": list(self.topics),
                "sources": list(self.sources), "origin": self.origin}


def validate(config: Config, sub: Subscription) -> None:
    """Refuse unknown committees, priorities, sources, frequencies and malformed addresses."""
    known = [*committees(config), ALL]
    if sub.committee not in known:
        raise InvalidSubscription("committee", sub.committee, known)
    if check_email(sub.email):
        raise InvalidSubscription("email", sub.email)
    for field_name, values, valid in (
            ("priority", sub.priorities, list(priorities(config))),
            ("source", sub.sources, [s.name for s in config.sources]),
            ("frequency", (sub.frequency,), list(FREQUENCIES)),
            ("lang", (sub.lang,), ["sv", "en"])):
        for value in values:
            if value not in valid:
                raise InvalidSubscription(field_name, value, valid)
    for topic in sub.topics:
        if not topic.strip():
            raise InvalidSubscription("topic", topic)


def subscribe(config: Config, store: Store, sub: Subscription, *, now: datetime) -> None:
    """Add or replace the subscription of ``sub.committee`` at ``sub.email``."""
    validate(config, sub)
    with store.write() as conn:
        conn.execute(
            "INSERT INTO subscriptions (committee, email, active, priorities, topics, sources,"
            " frequency, lang, created) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(committee, email) DO UPDATE SET active = 1,"
            " priorities = excluded.priorities, topics = excluded.topics,"
            " sources = excluded.sources, frequency = excluded.frequency, lang = excluded.lang",
            (sub.committee, sub.email.lower(), json.dumps(list(sub.priorities)),
             json.dumps(list(sub.topics), ensure_ascii=False), json.dumps(list(sub.sources)),
             sub.frequency, sub.lang, to_iso(now)))


def unsubscribe(config: Config, store: Store, committee: str, email: str, *,
                now: datetime) -> bool:
    """Stop ``email``'s digest of ``committee``; False when there was none to stop."""
    current = {s.key: s for s in effective_subscriptions(config, store)}
    key = f"{committee}:{email.lower()}"
    if key not in current:
        return False
    with store.write() as conn:
        if current[key].origin == "default":  # keep an opt-out so the default stays off
            conn.execute(
                "INSERT INTO subscriptions (committee, email, active, created) VALUES (?, ?, 0, ?)"
                " ON CONFLICT(committee, email) DO UPDATE SET active = 0",
                (committee, email.lower(), to_iso(now)))
        else:
            conn.execute("DELETE FROM subscriptions WHERE committee = ? AND email = ?",
                         (committee, email.lower()))
    return True


def _stored(store: Store) -> dict[str, tuple[bool, Subscription]]:
    out = {}
    for row in store.db.query("SELECT * FROM subscriptions ORDER BY committee, email"):
        sub = Subscription(
            committee=row["committee"], email=row["email"],
            priorities=tuple(json.loads(row["priorities"])), topics=tuple(json.loads(row["topics"])),
            sources=tuple(json.loads(row["sources"])), frequency=row["frequency"], lang=row["lang"])
        out[sub.key] = (bool(row["active"]), sub)
    return out


def effective_subscriptions(config: Config, store: Store, *,
                            committee: str | None = None) -> list[Subscription]:
    """Every active subscription: configured defaults first (in file order), then stored ones.

    A stored row for a default's committee + address replaces the default (or, inactive,
    removes it).
    """
    stored = _stored(store)
    lang = config.settings.language
    result: list[Subscription] = []
    if digest_settings(config).default_subscriptions:
        for ident, com in committees(config).items():
            default = Subscription(committee=ident, email=com.email.lower(), lang=lang,
                                   origin="default")
            active, explicit = stored.pop(default.key, (True, default))
            if active:
                result.append(explicit)
    known = committees(config)
    for active, sub in stored.values():
        if active and sub.committee != ALL and sub.committee not in known:
            log.warning("subscription of %s to %r skipped: no such committee in "
                        "committees.toml any more", sub.email, sub.committee)
        elif active:
            result.append(sub)
    if committee is not None:
        result = [s for s in result if s.committee == committee]
    return result
