"""The delivery ledger: every outgoing message, recorded before it is sent.

Exactly once, as far as mail allows:

1. A message is built once and recorded with state ``pending`` under its key (digest:
   subscription + period; reminder: address + local day, see :mod:`monitor.digests.reminders`;
   notice: the caller's key). A key already in the ledger is never built or recorded again.
2. :func:`deliver_pending` sends each pending message inside a write transaction
   (``BEGIN IMMEDIATE``) that re-reads its state, hands the stored bytes to the channel and
   marks it ``sent``. Two processes cannot both send it: the second waits for the lock and then
   finds it sent. A channel error (SMTP down, disk full) leaves it ``pending`` with the error and
   attempt count; the next run sends the very same bytes (same Message-ID).
3. The window that cannot be closed: the server has accepted the message (SMTP 250 after
   DATA) but the process dies before the ``sent`` commit. The next run sends it again. Mail
   has no two-phase commit, so this is at-least-once in that instant and exactly-once
   otherwise; the repeated message carries the same Message-ID, so clients that deduplicate
   show it once.

Holding the write lock during one SMTP conversation (bounded by ``[mail] smtp_timeout``)
makes a concurrent poll wait for it; the store's busy timeout is longer than that.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from monitor.errors import DeliveryError
from monitor.mail.message import message_bytes
from monitor.model import from_iso, to_iso
from monitor.store.database import Store

if TYPE_CHECKING:  # the email package and the channels: imported by the code that sends
    from email.message import EmailMessage

    from monitor.mail.channels.base import Channel

__all__ = ["PENDING", "SENT", "record", "state_of", "deliver_pending", "DeliveryReport",
           "resend_from_outbox",
           "last_window_end", "recorded_window"]

PENDING, SENT = "pending", "sent"
KEEP_SENT_BODIES_DAYS = 90


def create_table(db: Any) -> None:
    db.execute("""
        CREATE TABLE IF NOT EXISTS deliveries (
            key TEXT PRIMARY KEY, kind TEXT NOT NULL, committee TEXT, subscription TEXT,
            period TEXT, sender TEXT NOT NULL, recipients TEXT NOT NULL, subject TEXT NOT NULL,
            message_id TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL,
            since TEXT, until TEXT, state TEXT NOT NULL, created TEXT NOT NULL, sent_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, channel TEXT)""")
    db.execute("CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries(state, kind)")
    db.execute("CREATE INDEX IF NOT EXISTS deliveries_subscription "
               "ON deliveries(subscription, until)")


def record(store: Store, message: EmailMessage, *, key: str, kind: str, name: str,
           sender: str, recipients: list[str], committee: str | None = None,
           subscription: str | None = None, period: str | None = None,
           since: datetime | None = None, until: datetime | None = None,
           now: datetime) -> bool:
    """Record ``message`` as pending under ``key``; False when the key was already recorded."""
    with store.write() as conn:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO deliveries (key, kind, committee, subscription, period,"
            " sender, recipients, subject, message_id, name, data, since, until, state, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, kind, committee, subscription, period, sender, json.dumps(recipients),
             str(message["Subject"]), str(message["Message-ID"]), name, message_bytes(message),
             to_iso(since), to_iso(until), PENDING, to_iso(now)))
        return cursor.rowcount == 1


def state_of(store: Store, key: str) -> str | None:
    """``pending``, ``sent``, or None when nothing was recorded under ``key``."""
    row = store.conn.execute("SELECT state FROM deliveries WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def recorded_window(store: Store, key: str) -> tuple[datetime, datetime] | None:
    """The (since, until] window a recorded digest was built over."""
    row = store.conn.execute("SELECT since, until FROM deliveries WHERE key = ?",
                             [key]).fetchone()
    if not row or not row[0] or not row[1]:
        return None
    return from_iso(row[0]), from_iso(row[1])  # type: ignore[return-value]


def last_window_end(store: Store, subscription: str) -> datetime | None:
    """Where this subscription's latest recorded digest ended: the next one starts there."""
    row = store.conn.execute(
        "SELECT max(until) FROM deliveries WHERE kind = 'digest' AND subscription = ?",
        [subscription]).fetchone()
    return from_iso(row[0]) if row and row[0] else None


def digest_recorded_before(store: Store, until: datetime) -> bool:
    """Whether any digest was recorded whose window ended before ``until``."""
    return store.conn.execute("SELECT 1 FROM deliveries WHERE kind = 'digest' AND until < ?"
                              " LIMIT 1", [to_iso(until)]).fetchone() is not None


def sent_digest_windows(store: Store) -> list[tuple[str, str, str]]:
    """(committee, since, until) of every digest sent ("all" for the overview's)."""
    if "deliveries" not in store.db.table_names():  # no mail step has run on this database
        return []
    return [tuple(r) for r in store.conn.execute(  # type: ignore[misc]
        "SELECT committee, since, until FROM deliveries WHERE kind = 'digest' AND state = 'sent'"
        " AND since IS NOT NULL AND until IS NOT NULL").fetchall()]


def delivery_outline(store: Store, key: str) -> tuple[str, list[str], str, str]:
    """(committee, recipients, period, subject) of the mail recorded under ``key``."""
    row = store.conn.execute("SELECT committee, recipients, period, subject FROM deliveries "
                             "WHERE key = ?", [key]).fetchone()
    if row is None:
        return "", [], "", ""
    return row[0] or "", json.loads(row[1]), row[2] or "", row[3] or ""


@dataclass
class DeliveryReport:
    """Keys sent by one :func:`deliver_pending`, and those that failed with their error."""

    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def deliver_pending(store: Store, channel: Channel, *, kind: str | None = None,
                    committee: str | None = None, keys: set[str] | None = None,
                    now: datetime) -> DeliveryReport:
    """Send every pending message (optionally only of one kind, committee or set of keys)."""
    sql = "SELECT key FROM deliveries WHERE state = ?"
    params: list[Any] = [PENDING]
    for column, value in (("kind", kind), ("committee", committee)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    report = DeliveryReport()
    _forget_old_bodies(store, now)
    for (key,) in store.conn.execute(sql + " ORDER BY created, key", params).fetchall():
        if keys is not None and key not in keys:
            continue
        error = _deliver_one(store, channel, key, now)
        if error is None:
            report.sent.append(key)
        elif error:
            report.failed.append((key, error))
    return report


def _forget_old_bodies(store: Store, now: datetime) -> None:
    """Drop the bytes of messages sent long ago; the rows stay as the record of what went."""
    cutoff = to_iso(now - timedelta(days=KEEP_SENT_BODIES_DAYS))
    with store.write() as conn:
        conn.execute("UPDATE deliveries SET data = x'' WHERE state = ? AND sent_at < ?"
                     " AND length(data) > 0", (SENT, cutoff))


def _deliver_one(store: Store, channel: Channel, key: str, now: datetime) -> str | None:
    """None when sent now; '' when another process sent it meanwhile; else the error."""
    from monitor.mail.channels.base import Envelope

    with store.write() as conn:
        row = conn.execute("SELECT state, sender, recipients, data, name FROM deliveries"
                           " WHERE key = ?", [key]).fetchone()
        if row is None or row[0] != PENDING:
            return ""
        envelope = Envelope(sender=row[1], recipients=tuple(json.loads(row[2])),
                            data=bytes(row[3]), name=row[4])
        try:
            channel.send(envelope)
        except DeliveryError as exc:
            conn.execute("UPDATE deliveries SET attempts = attempts + 1, last_error = ?"
                         " WHERE key = ?", (str(exc), key))
            return str(exc)
        conn.execute("UPDATE deliveries SET state = ?, sent_at = ?, attempts = attempts + 1,"
                     " last_error = NULL, channel = ? WHERE key = ?",
                     (SENT, to_iso(now), channel.kind, key))
    return None


def resend_from_outbox(store: Store, channel: Channel, *, period: str,
                       committee: str | None = None, now: datetime,
                       ) -> tuple[list[dict[str, Any]], DeliveryReport]:
    """Send again through ``channel`` (SMTP) the digests of ``period`` that were written to
    the outbox while the mail was being tried out; each once: the row then names the new
    channel. The very bytes recorded (same Message-ID) are sent. Returns the rows tried and
    the report."""
    from monitor.mail.channels.base import Envelope

    sql = ("SELECT key, committee, recipients, subject FROM deliveries WHERE kind = 'digest' "
           "AND period = ? AND state = ? AND channel = 'outbox'")
    params: list[Any] = [period, SENT]
    if committee is not None:
        sql += " AND committee = ?"
        params.append(committee)
    rows = [{"key": r[0], "committee": r[1], "recipients": json.loads(r[2]), "subject": r[3]}
            for r in store.conn.execute(sql + " ORDER BY created, key", params).fetchall()]
    report = DeliveryReport()
    for row in rows:
        with store.write() as conn:
            found = conn.execute("SELECT sender, recipients, data, name, channel FROM deliveries"
                                 " WHERE key = ?", [row["key"]]).fetchone()
            if found is None or found[4] != "outbox":
                continue  # another process resent it meanwhile
            if not found[2]:
                report.failed.append((row["key"], f"the message body was dropped after "
                                                  f"{KEEP_SENT_BODIES_DAYS} days"))
                continue
            try:
                channel.send(Envelope(sender=found[0], recipients=tuple(json.loads(found[1])),
                                      data=bytes(found[2]), name=found[3]))
            except DeliveryError as exc:
                report.failed.append((row["key"], str(exc)))
                continue
            conn.execute("UPDATE deliveries SET channel = ?, sent_at = ?, attempts = attempts + 1"
                         " WHERE key = ?", (channel.kind, to_iso(now), row["key"]))
            report.sent.append(row["key"])
    return rows, report
