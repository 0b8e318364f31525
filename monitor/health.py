"""Source health: a source that is fetched fine but parses nothing for a while is degraded.

A site redesign rarely makes a fetch fail; it makes the parser find nothing. So after every
successful poll ingest calls :func:`record_poll`: a poll with items resets the count; a poll
with zero items adds one, and after ``degraded_after`` such polls in a row (a ``[[source]]``
key, default 3) the source is ``degraded``, unless it has ``expect_items = false``. Errors
and unchanged answers (HTTP 304) change nothing here: they are shown from the poll log.

Changes of state leave a notice for the administrator (one when the source becomes degraded,
one when it recovers) in the ``notice_pending`` column; the mail step reads them with
:func:`pending_health_notices` and calls :func:`mark_notice_sent`. A recovery before the
degraded notice was sent cancels it: there is nothing left to tell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from .config import SourceConfig
from .i18n import add_messages, t
from .model import to_iso
from .store import Store

__all__ = ["OK", "DEGRADED", "HealthNotice", "record_poll", "source_health", "reason_text",
           "pending_health_notices", "mark_notice_sent"]

OK, DEGRADED = "ok", "degraded"
BECAME_DEGRADED, RECOVERED = "degraded", "recovered"


def create_tables(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE IF NOT EXISTS source_health (
            source TEXT PRIMARY KEY, state TEXT NOT NULL DEFAULT 'ok',
            zero_polls INTEGER NOT NULL DEFAULT 0, last_items INTEGER, since TEXT,
            updated TEXT NOT NULL, notice_event TEXT, notice_pending TEXT,
            notice_created TEXT, notice_sent TEXT
        )""")


add_messages({
    "health_ok": {"sv": "ok", "en": "ok"},
    "health_degraded": {"sv": "försämrad", "en": "degraded"},
    "health_zero_polls": {
        "sv": "0 poster i {n} hämtningar i rad",
        "en": "0 items in {n} polls in a row"},
    "health_notice_degraded": {
        "sv": "Källan {source} har hämtats {n} gånger i rad utan att ge några poster. "
              "Webbplatsen kan ha gjorts om; prova tolkningen på en sparad sida med "
              "'monitor sources test {source} --file SIDA' och rätta sources.toml.",
        "en": "Source {source} has been polled {n} times in a row without yielding any "
              "items. The site may have been redesigned; try the parser on a saved page with "
              "'monitor sources test {source} --file PAGE' and fix sources.toml."},
    "health_notice_recovered": {
        "sv": "Källan {source} ger poster igen ({items} vid senaste hämtningen).",
        "en": "Source {source} yields items again ({items} at the last poll)."},
})


@dataclass(frozen=True)
class HealthNotice:
    """A mail the administrator should get about a source: ``event`` degraded/recovered."""

    source: str
    event: str
    text: str
    created: str


def _row(store: Store, source: str) -> dict[str, Any] | None:
    rows = list(store.db.query("SELECT * FROM source_health WHERE source = ?", [source]))
    return rows[0] if rows else None


def record_poll(store: Store, source: SourceConfig, *, items_parsed: int,
                now: datetime, lang: str = "sv") -> str | None:
    """Update a source's health after a successful poll; return the event, if any.

    Runs inside the caller's transaction when there is one (``store.write`` nests).
    """
    stamp = to_iso(now)
    expect = source.get("expect_items", True)
    limit = int(source.get("degraded_after", 3))
    with store.write() as conn:
        old = _row(store, source.name) or {"state": OK, "zero_polls": 0, "since": stamp,
                                            "notice_event": None, "notice_pending": None,
                                            "notice_created": None, "notice_sent": None}
        zero_polls = old["zero_polls"] + 1 if items_parsed == 0 and expect else 0
        state, since, event = old["state"], old["since"], None
        notice = (old["notice_event"], old["notice_pending"], old["notice_created"])
        if state != DEGRADED and zero_polls >= limit:
            state, since, event = DEGRADED, stamp, BECAME_DEGRADED
            if old["notice_event"] == RECOVERED and old["notice_pending"]:
                notice = (None, None, None)  # the admin's last word is still "degraded"
            else:
                notice = (event, t("health_notice_degraded", lang, source=source.name,
                                   n=zero_polls), stamp)
        elif state == DEGRADED and zero_polls == 0:
            state, since, event = OK, stamp, RECOVERED
            if old["notice_event"] == BECAME_DEGRADED and old["notice_pending"]:
                notice = (None, None, None)  # never told it broke: no need to say it's fixed
            else:
                notice = (event, t("health_notice_recovered", lang, source=source.name,
                                   items=items_parsed), stamp)
        conn.execute(
            "INSERT INTO source_health (source, state, zero_polls, last_items, since, updated,"
            " notice_event, notice_pending, notice_created, notice_sent)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source) DO UPDATE SET"
            " state = excluded.state, zero_polls = excluded.zero_polls,"
            " last_items = excluded.last_items, since = excluded.since,"
            " updated = excluded.updated, notice_event = excluded.notice_event,"
            " notice_pending = excluded.notice_pending,"
            " notice_created = excluded.notice_created",
            (source.name, state, zero_polls, items_parsed, since, stamp, *notice,
             old["notice_sent"]))
    return event


def source_health(store: Store) -> dict[str, dict[str, Any]]:
    """Every source's health row by name (sources never polled successfully are absent)."""
    return {row["source"]: row for row in store.db.query("SELECT * FROM source_health")}


def reason_text(row: dict[str, Any] | None, lang: str = "sv") -> str:
    """Why a source is degraded, in the user's language; empty when it is fine."""
    if not row or row["state"] != DEGRADED:
        return ""
    return t("health_zero_polls", lang, n=row["zero_polls"])


def pending_health_notices(store: Store) -> list[HealthNotice]:
    """Notices not yet mailed, oldest first."""
    return [HealthNotice(source=r["source"], event=r["notice_event"],
                         text=r["notice_pending"], created=r["notice_created"])
            for r in store.db.query(
                "SELECT source, notice_event, notice_pending, notice_created FROM source_health"
                " WHERE notice_pending IS NOT NULL ORDER BY notice_created, source")]


def mark_notice_sent(store: Store, source: str, *, created: str | None = None,
                     now: datetime) -> None:
    """Record that a source's pending notice went out, so it is not sent again.

    With ``created`` (from the :class:`HealthNotice` sent) a newer notice that arrived
    meanwhile is kept for the next mail.
    """
    sql = ("UPDATE source_health SET notice_pending = NULL, notice_event = NULL,"
           " notice_created = NULL, notice_sent = ? WHERE source = ?")
    params: list[Any] = [to_iso(now), source]
    if created is not None:
        sql += " AND notice_created = ?"
        params.append(created)
    with store.write() as conn:
        conn.execute(sql, params)
