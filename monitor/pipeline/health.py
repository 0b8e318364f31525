"""Source health: a source that breaks, loudly or quietly, is noticed.

Four states, worst first:

- ``failing``: the fetch or the parse failed ``failing_after`` polls in a row (a
  ``[[source]]`` key, default 3), or no poll succeeded for ``failing_days`` days (default 7);
- ``degraded``: fetched fine but zero items ``degraded_after`` polls in a row (default 3),
  unless the source has ``expect_items = false`` (a site redesign rarely makes a fetch fail;
  it makes the parser find nothing);
- ``suspect``: the items suddenly lost their deadlines: most of them had one at the poll
  before, none has one now ("check the parser");
- ``ok``.

Ingest calls :func:`record_poll` after a successful poll, :func:`record_unchanged` after an
unchanged answer (HTTP 304: the site answered, nothing to count) and :func:`record_failure`
after an error. Each change of state leaves at most one notice for the administrator in the
``notice_pending`` column, measured against what the administrator was last told (``told``):
a source that breaks and mends before the mail went out leaves nothing to say. The mail
step reads them with :func:`pending_health_notices` and calls :func:`mark_notice_sent`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor.config.settings import Config, SourceConfig
from monitor.model import from_iso, to_iso
from monitor.store.database import Store
from monitor.store.sql import Database
from monitor.text.i18n import add_messages, t

__all__ = ["OK", "DEGRADED", "FAILING", "SUSPECT", "PROBLEMS", "HealthNotice", "record_poll",
           "record_unchanged", "record_failure", "source_health", "reason_text",
           "source_problems", "source_status", "pending_health_notices", "mark_notice_sent"]

OK, DEGRADED, FAILING, SUSPECT = "ok", "degraded", "failing", "suspect"
PROBLEMS = (FAILING, DEGRADED, SUSPECT)  # worst first
RECOVERED = "recovered"
#: the fewest items a poll must have for their deadlines to be compared
MIN_COMPARED = 3

#: columns added after the first version of the table (added to older databases on open)
_LATER_COLUMNS = {
    "failed_polls": "INTEGER NOT NULL DEFAULT 0", "last_ok": "TEXT", "first_failed": "TEXT",
    "last_error": "TEXT", "dated_items": "INTEGER", "base_items": "INTEGER",
    "base_dated": "INTEGER", "told": "TEXT",
}


def create_tables(db: Database) -> None:
    db.execute("""
        CREATE TABLE IF NOT EXISTS source_health (
            source TEXT PRIMARY KEY, state TEXT NOT NULL DEFAULT 'ok',
            zero_polls INTEGER NOT NULL DEFAULT 0, last_items INTEGER, since TEXT,
            updated TEXT NOT NULL, notice_event TEXT, notice_pending TEXT,
            notice_created TEXT, notice_sent TEXT
        )""")
    have = {column.name for column in db["source_health"].columns}
    for name, declaration in _LATER_COLUMNS.items():
        if name in have:
            continue
        try:
            db.execute(f"ALTER TABLE source_health ADD COLUMN {name} {declaration}")
        except sqlite3.OperationalError as exc:  # another process added it just now
            if "duplicate column" not in str(exc):
                raise
        if name == "told":  # an older database: a notice already mailed told the state
            db.execute("UPDATE source_health SET told = state WHERE notice_sent IS NOT NULL"
                       " AND notice_pending IS NULL AND state != 'ok'")


add_messages({
    "health_ok": {"sv": "ok", "en": "ok"},
    "health_degraded": {"sv": "försämrad", "en": "degraded"},
    "health_failing": {"sv": "fungerar inte", "en": "failing"},
    "health_suspect": {"sv": "kontrollera tolkningen", "en": "check the parser"},
    "health_zero_polls": {
        "sv": "0 poster i {n} hämtningar i rad",
        "en": "0 items in {n} polls in a row"},
    "health_failed_polls": {
        "sv": "{n} misslyckade hämtningar i rad",
        "en": "{n} failed polls in a row"},
    "health_no_success_days_one": {
        "sv": "ingen lyckad hämtning på 1 dag", "en": "no successful poll for 1 day"},
    "health_no_success_days": {
        "sv": "ingen lyckad hämtning på {days} dagar",
        "en": "no successful poll for {days} days"},
    "health_lost_deadlines": {
        "sv": "0 av {items} poster har sista dag (tidigare {dated} av {base})",
        "en": "0 of {items} items have a deadline (before: {dated} of {base})"},
    "health_notice_degraded": {
        "sv": "Källan {source} har hämtats {n} gånger i rad utan att ge några poster. "
              "Webbplatsen kan ha gjorts om; prova tolkningen på en sparad sida med "
              "'monitor sources test {source} --file SIDA' och rätta sources.toml.",
        "en": "Source {source} has been polled {n} times in a row without yielding any "
              "items. The site may have been redesigned; try the parser on a saved page with "
              "'monitor sources test {source} --file PAGE' and fix sources.toml."},
    "health_notice_failing": {
        "sv": "Källan {source} kunde inte hämtas: {reason}. Senaste felet: {error}. "
              "Inga nya poster kommer från den förrän det är åtgärdat. Kör 'monitor sources "
              "check' på en dator med nätverk och rätta adressen eller nycklarna i "
              "sources.toml.",
        "en": "Source {source} could not be polled: {reason}. Last error: {error}. No new "
              "items come from it until this is fixed. Run 'monitor sources check' on a "
              "machine with network access and fix its address or keys in sources.toml."},
    "health_notice_suspect": {
        "sv": "Källan {source} ger poster men ingen av dem har längre någon sista dag: "
              "{reason}. Sidan kan ha ändrats så att datumen inte läses; kontrollera "
              "tolkningen med 'monitor sources test {source} --file SIDA'.",
        "en": "Source {source} yields items but none of them has a deadline any more: "
              "{reason}. The page may have changed so that the dates are not read; check the "
              "parser with 'monitor sources test {source} --file PAGE'."},
    "health_notice_recovered": {
        "sv": "Källan {source} ger poster igen ({items} vid senaste hämtningen).",
        "en": "Source {source} yields items again ({items} at the last poll)."},
})


@dataclass(frozen=True)
class HealthNotice:
    """A mail the administrator should get about a source: ``event`` is the new state
    (degraded, failing, suspect) or ``recovered``."""

    source: str
    event: str
    text: str
    created: str


def _load(store: Store, source: str, stamp: str) -> dict[str, Any]:
    rows = list(store.db.query("SELECT * FROM source_health WHERE source = ?", [source]))
    row = {"source": source, "state": OK, "zero_polls": 0, "last_items": None,
           "since": stamp, "notice_event": None, "notice_pending": None,
           "notice_created": None, "notice_sent": None, "failed_polls": 0, "last_ok": None,
           "first_failed": None, "last_error": None, "dated_items": None,
           "base_items": None, "base_dated": None, "told": None}
    if rows:
        row.update(rows[0])
    row["updated"] = stamp
    return row


def _save(store: Store, row: dict[str, Any]) -> None:
    names = list(row)
    with store.write() as conn:  # joins the caller's transaction when there is one
        conn.execute(f"INSERT OR REPLACE INTO source_health ({', '.join(names)}) VALUES "
                     f"({', '.join('?' * len(names))})", [row[n] for n in names])


def _limits(source: SourceConfig) -> tuple[bool, int, int, int]:
    return (bool(source.get("expect_items", True)), int(source.get("degraded_after", 3)),
            int(source.get("failing_after", 3)), int(source.get("failing_days", 7)))


def _lost_deadlines(row: dict[str, Any]) -> bool:
    """Most items had a deadline at the compared poll, none has one now."""
    items, dated, base, base_dated = (row["last_items"], row["dated_items"], row["base_items"],
                                      row["base_dated"])
    return (items is not None and items >= MIN_COMPARED and dated == 0 and base is not None
            and base >= MIN_COMPARED and base_dated is not None and 2 * base_dated > base)


def _settled(row: dict[str, Any], source: SourceConfig) -> str:
    """The state of a source whose last poll reached the site."""
    expect, degraded_after, _, _ = _limits(source)
    if expect and row["zero_polls"] >= degraded_after:
        return DEGRADED
    return SUSPECT if _lost_deadlines(row) else OK


def _move(row: dict[str, Any], state: str, stamp: str, lang: str) -> str | None:
    """Set ``state``; leave the notice that tells the administrator the difference from what
    they were last told (none when that is already what they know). Returns the event."""
    if state == row["state"]:
        return None
    row["state"], row["since"] = state, stamp
    event = state if state in PROBLEMS else RECOVERED
    if event == (row["told"] or RECOVERED):  # they know, or never heard of a problem
        row.update(notice_event=None, notice_pending=None, notice_created=None)
    else:
        text = t(f"health_notice_{event}", lang, source=row["source"], n=row["zero_polls"],
                 items=row["last_items"] or 0, reason=reason_text(row, lang),
                 error=row["last_error"] or "")
        row.update(notice_event=event, notice_pending=text, notice_created=stamp)
    return event


def record_poll(store: Store, source: SourceConfig, *, items_parsed: int,
                now: datetime, with_deadline: int | None = None,
                lang: str = "sv") -> str | None:
    """Update a source's health after a successful poll; return the event, if any.

    ``with_deadline`` is how many of the items have a deadline (None: not compared).
    """
    stamp = to_iso(now)
    row = _load(store, source.name, stamp)
    expect = _limits(source)[0]
    row.update(failed_polls=0, first_failed=None, last_error=None, last_ok=stamp,
               zero_polls=row["zero_polls"] + 1 if items_parsed == 0 and expect else 0,
               last_items=items_parsed, dated_items=with_deadline)
    if items_parsed and with_deadline is not None and not _lost_deadlines(row):
        row.update(base_items=items_parsed, base_dated=with_deadline)  # the new yardstick
    event = _move(row, _settled(row, source), stamp, lang)
    _save(store, row)
    return event


def record_unchanged(store: Store, source: SourceConfig, *, now: datetime,
                     lang: str = "sv") -> str | None:
    """The site answered "unchanged" (HTTP 304): reachable, nothing else learnt."""
    stamp = to_iso(now)
    row = _load(store, source.name, stamp)
    row.update(failed_polls=0, first_failed=None, last_error=None, last_ok=stamp)
    event = _move(row, _settled(row, source), stamp, lang) if row["state"] == FAILING else None
    _save(store, row)
    return event


def record_failure(store: Store, source: SourceConfig, *, error: str, now: datetime,
                   lang: str = "sv") -> str | None:
    """A poll that failed (fetch or parse error): after ``failing_after`` in a row, or when
    no poll succeeded for ``failing_days`` days, the source is failing."""
    stamp = to_iso(now)
    row = _load(store, source.name, stamp)
    _, _, failing_after, failing_days = _limits(source)
    row.update(failed_polls=row["failed_polls"] + 1, first_failed=row["first_failed"] or stamp,
               last_error=error)
    since_ok = from_iso(row["last_ok"] or row["first_failed"]) or now
    event = None
    if row["failed_polls"] >= failing_after or now - since_ok >= timedelta(days=failing_days):
        event = _move(row, FAILING, stamp, lang)
    _save(store, row)
    return event


def source_health(store: Store) -> dict[str, dict[str, Any]]:
    """Every source's health row by name (sources never polled are absent)."""
    return {row["source"]: row for row in store.db.query("SELECT * FROM source_health")}


def reason_text(row: dict[str, Any] | None, lang: str = "sv") -> str:
    """Why a source is not ok, in the user's language; empty when it is fine."""
    state = (row or {}).get("state")
    if state == DEGRADED:
        return t("health_zero_polls", lang, n=row["zero_polls"])
    if state == FAILING:
        since_ok = from_iso(row["last_ok"] or row["first_failed"])
        updated = from_iso(row["updated"])
        days = (updated - since_ok).days if since_ok and updated else 0
        parts = [t("health_failed_polls", lang, n=row["failed_polls"])]
        if days >= 1:
            key = "health_no_success_days_one" if days == 1 else "health_no_success_days"
            parts.append(t(key, lang, days=days))
        return ", ".join(parts)
    if state == SUSPECT:
        return t("health_lost_deadlines", lang, items=row["last_items"],
                 dated=row["base_dated"], base=row["base_items"])
    return ""


def source_problems(store: Store, lang: str = "sv") -> list[tuple[str, str, str]]:
    """Sources not ok, worst first: ``(name, state label, reason)``, for overviews."""
    rows = [r for r in source_health(store).values() if r["state"] in PROBLEMS]
    rows.sort(key=lambda r: (PROBLEMS.index(r["state"]), r["source"]))
    return [(r["source"], t(f"health_{r['state']}", lang), reason_text(r, lang)) for r in rows]


def source_status(config: Config, store: Store, lang: str = "sv") -> list[dict[str, Any]]:
    """Every configured source's last poll and health, as ``monitor sources status`` and the
    web page show them."""
    last = store.last_polls()
    health = source_health(store)
    rows = []
    for source in config.sources:
        poll = last.get(source.name) or {}
        row = health.get(source.name) or {}
        rows.append({"name": source.name, "enabled": source.enabled,
                     "last_poll": poll.get("finished") or poll.get("started"),
                     "outcome": poll.get("outcome"), "http_status": poll.get("http_status"),
                     "items_parsed": poll.get("items_parsed"),
                     "items_stored": store.count_items(source.name),
                     "error": poll.get("error"), "health": row.get("state", OK),
                     "health_reason": reason_text(row, lang), "health_since": row.get("since")})
    return rows


def pending_health_notices(store: Store) -> list[HealthNotice]:
    """Notices not yet mailed, oldest first."""
    return [HealthNotice(source=r["source"], event=r["notice_event"],
                         text=r["notice_pending"], created=r["notice_created"])
            for r in store.db.query(
                "SELECT source, notice_event, notice_pending, notice_created FROM source_health"
                " WHERE notice_pending IS NOT NULL ORDER BY notice_created, source")]


def mark_notice_sent(store: Store, source: str, *, created: str | None = None,
                     now: datetime) -> None:
    """Record that a source's pending notice went out, so it is not sent again; what it
    said becomes what the administrator was last told.

    With ``created`` (from the :class:`HealthNotice` sent) a newer notice that arrived
    meanwhile is kept for the next mail.
    """
    sql = ("UPDATE source_health SET told = notice_event, notice_pending = NULL,"
           " notice_event = NULL, notice_created = NULL, notice_sent = ?"
           " WHERE source = ? AND notice_event IS NOT NULL")
    params: list[Any] = [to_iso(now), source]
    if created is not None:
        sql += " AND notice_created = ?"
        params.append(created)
    with store.write() as conn:
        conn.execute(sql, params)
