"""The application register: a committee's intent to apply for a call, carried through the
board's approval, submission and the funder's decision.

Tyresö's international policy: the committee owns the project and **must have the municipal
board's (KS) approval before it applies**. The legal steps are therefore::

    intent ──► ks-approved ──► submitted ──► granted | rejected
       └──────────┴──────────────┴──► withdrawn   (from any open state)

Any other step is refused with the rule that applies (:class:`IllegalStep`) unless forced
with a reason, which is recorded. Every step is kept with its date, who recorded it, a note
and an amount (SEK: applied for, or granted when the step is ``granted``). The reason of a
``granted`` or ``rejected`` step is the funder's: why it was rejected, or the conditions of
the grant; it is shown when a call of the same programme opens again (monitor.decisions.earlier).

Partners are kept with their country when both are given one for one (``--partner Cēsis
--country LV``); the project's own details (name, period, co-financing) are optional and a
KS draft shows a placeholder for each one not given.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from monitor.decisions.applications_text import (STATUS_IDS, ApplicationError, IllegalStep,
                                                 status_label)
from monitor.model import CALL, from_iso, to_iso
from monitor.store.database import Store
from monitor.store.sql import Database

__all__ = ["Application", "Event", "ApplicationError", "IllegalStep", "STATUSES",
           "OPEN_STATUSES", "start_application", "advance_application", "get_application",
           "list_applications", "parse_amount", "INTENT", "KS_APPROVED", "SUBMITTED",
           "GRANTED", "REJECTED", "WITHDRAWN"]

INTENT, KS_APPROVED, SUBMITTED = "intent", "ks-approved", "submitted"
GRANTED, REJECTED, WITHDRAWN = "granted", "rejected", "withdrawn"
STATUSES = STATUS_IDS  # intent, ks-approved, submitted, granted, rejected, withdrawn
OPEN_STATUSES = (INTENT, KS_APPROVED, SUBMITTED)
NEXT_STEPS = {INTENT: (KS_APPROVED, WITHDRAWN), KS_APPROVED: (SUBMITTED, WITHDRAWN),
              SUBMITTED: (GRANTED, REJECTED, WITHDRAWN)}
# The step that must come right before each target: names the rule an illegal step breaks.
REQUIRED_BEFORE = {KS_APPROVED: INTENT, SUBMITTED: KS_APPROVED, GRANTED: SUBMITTED,
                   REJECTED: SUBMITTED}

_TABLES = [
    "CREATE TABLE IF NOT EXISTS applications (id INTEGER PRIMARY KEY, item_id TEXT NOT NULL, "
    "committee TEXT NOT NULL, status TEXT NOT NULL, created TEXT NOT NULL, "
    "updated TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS applications_committee ON applications(committee, status)",
    "CREATE INDEX IF NOT EXISTS applications_item ON applications(item_id)",
    "CREATE TABLE IF NOT EXISTS application_events (id INTEGER PRIMARY KEY, "
    "application_id INTEGER NOT NULL REFERENCES applications(id), status TEXT NOT NULL, "
    "at TEXT NOT NULL, by TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', amount INTEGER, "
    "forced INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS application_events_app ON application_events(application_id)",
    "CREATE TABLE IF NOT EXISTS application_partners (application_id INTEGER NOT NULL, "
    "kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (application_id, kind, value))",
    "CREATE TABLE IF NOT EXISTS application_details (application_id INTEGER NOT NULL, "
    "key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (application_id, key))",
]
# The project's own facts, when the committee gives them (text; co-financing in whole SEK).
DETAILS = ("project", "period_from", "period_to", "cofinancing")


def create_tables(db: Database) -> None:
    for statement in _TABLES:
        db.execute(statement)
    if "country" not in db["application_partners"].columns_dict:  # partner's own country
        db.execute("ALTER TABLE application_partners ADD COLUMN country TEXT")



@dataclass(frozen=True)
class Event:
    """One recorded step: the new status, when, who, and what was said or applied for."""

    status: str
    at: datetime
    by: str
    note: str = ""
    amount: int | None = None
    forced: bool = False
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "at": to_iso(self.at), "by": self.by, "note": self.note,
                "amount": self.amount, "forced": self.forced, "reason": self.reason}


@dataclass
class Application:
    """A committee's application for one call, with its whole history."""

    id: int
    item_id: str
    committee: str
    status: str
    created: datetime
    updated: datetime
    title: str = ""
    url: str | None = None
    programme: str | None = None
    deadlines: list[datetime] = field(default_factory=list)
    history: list[Event] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    partner_countries: dict[str, str] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)

    @property
    def pairs(self) -> list[tuple[str, str | None]]:
        """Each partner with its country code (None when not given one for one)."""
        return [(p, self.partner_countries.get(p)) for p in self.partners]

    @property
    def decision(self) -> Event | None:
        """The funder's decision (the last ``granted`` or ``rejected`` step), if any."""
        found = [e for e in self.history if e.status in (GRANTED, REJECTED)]
        return found[-1] if found else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def amount_applied(self) -> int | None:
        """The latest amount given with any step but the grant."""
        amounts = [e.amount for e in self.history if e.amount is not None and e.status != GRANTED]
        return amounts[-1] if amounts else None

    @property
    def amount_granted(self) -> int | None:
        amounts = [e.amount for e in self.history if e.amount is not None and e.status == GRANTED]
        return amounts[-1] if amounts else None

    def as_of(self, moment: datetime) -> "Application | None":
        """The application as it stood at ``moment`` (None when it did not exist yet)."""
        history = [e for e in self.history if e.at <= moment]
        if not history:
            return None
        return replace(self, history=history, status=history[-1].status,
                       updated=history[-1].at)

    def step_date(self, status: str) -> datetime | None:
        """When the application last reached ``status``."""
        times = [e.at for e in self.history if e.status == status]
        return times[-1] if times else None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "item": self.item_id, "title": self.title, "url": self.url,
                "programme": self.programme, "committee": self.committee,
                "status": self.status, "created": to_iso(self.created),
                "updated": to_iso(self.updated),
                "deadlines": [to_iso(d) for d in self.deadlines],
                "amount_applied": self.amount_applied, "amount_granted": self.amount_granted,
                "partners": self.partners, "countries": self.countries,
                "partner_countries": [{"partner": p, "country": c} for p, c in self.pairs],
                "details": self.details,
                "history": [e.to_json() for e in self.history]}


def parse_amount(text: str) -> int:
    """``"450 000"``, ``"450000"``, ``"450000 kr"`` → 450000; anything else is refused."""
    cleaned = re.sub(r"(?i)\s|_|kr|sek|:-", "", text)
    if not cleaned.isdigit():
        raise ApplicationError("appl.bad_amount", value=text)
    return int(cleaned)


def _country(code: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", code.strip()):
        raise ApplicationError("appl.bad_country", value=code)
    return code.strip().upper()


def start_application(store: Store, item_id: str, committee: str, *,
                      committees: Iterable[str], by: str, note: str = "",
                      amount: int | None = None, partners: Iterable[str] = (),
                      countries: Iterable[str] = (), on: date | None = None,
                      tz: ZoneInfo, now: datetime,
                      details: Mapping[str, str] | None = None) -> Application:
    """Record a committee's intent to apply for a call; returns the new application."""
    valid = list(committees)
    if committee not in valid:
        raise ApplicationError("appl.unknown_committee", id=committee, choices=valid)
    item = store.get_item(item_id)
    if item is None:
        raise ApplicationError("appl.unknown_item", id=item_id, hint=_suggest(store, item_id))
    if item.kind != CALL:
        raise ApplicationError("appl.not_a_call", id=item.id, kind=item.kind)
    pair_partners(partners, countries)  # refused before anything is written
    at = _step_time(on, None, tz, now)
    with store.write() as conn:
        clash = conn.execute(
            f"SELECT id FROM applications WHERE item_id = ? AND committee = ? AND status IN "
            f"({', '.join('?' for _ in OPEN_STATUSES)})",
            [item.id, committee, *OPEN_STATUSES]).fetchone()
        if clash:
            raise ApplicationError("appl.duplicate", committee=committee, id=clash[0],
                                   item=item.id)
        cur = conn.execute("INSERT INTO applications (item_id, committee, status, created, "
                           "updated) VALUES (?, ?, ?, ?, ?)",
                           (item.id, committee, INTENT, to_iso(at), to_iso(at)))
        app_id = int(cur.lastrowid)
        _add_event(conn, app_id, Event(INTENT, at, by, note, amount))
        _add_partners(conn, app_id, partners, countries)
        _set_details(conn, app_id, details or {})
    return get_application(store, app_id)


def advance_application(store: Store, app_id: int | str, status: str, *, by: str,
                        note: str = "", amount: int | None = None, force: bool = False,
                        reason: str = "", partners: Iterable[str] = (),
                        countries: Iterable[str] = (), on: date | None = None,
                        tz: ZoneInfo, now: datetime,
                        details: Mapping[str, str] | None = None) -> Application:
    """Move an application to ``status`` if the rules allow it (or ``force`` with a reason).

    ``status`` may be the current one only to add partners, countries, a note or an amount
    without a step; that is recorded as well.
    """
    app = get_application(store, app_id)
    pair_partners(partners, countries)
    if force and not reason.strip():
        raise ApplicationError("appl.force_needs_reason")
    if status not in STATUSES:
        raise ApplicationError("appl.unknown_status", value=status, choices=list(STATUSES[1:]))
    partners, details = list(partners), dict(details or {})
    adds_only = status == app.status and (partners or countries or note or details
                                          or amount is not None)
    if not adds_only:
        check_step(app, status, force=force)
    at = _step_time(on, app.history[-1].at if app.history else None, tz, now)
    with store.write() as conn:
        _add_event(conn, app.id, Event(status, at, by, note, amount, force, reason.strip()))
        conn.execute("UPDATE applications SET status = ?, updated = ? WHERE id = ?",
                     (status, to_iso(at), app.id))
        _add_partners(conn, app.id, partners, countries)
        _set_details(conn, app.id, details)
    return get_application(store, app.id)


def check_step(app: Application, target: str, *, force: bool = False) -> None:
    """Raise :class:`IllegalStep` naming the rule when ``app`` may not move to ``target``."""
    if target == INTENT:
        raise IllegalStep("appl.rule.intent")
    if target == app.status:
        raise IllegalStep("appl.rule.same", id=app.id, current=app.status)
    if force or target in NEXT_STEPS.get(app.status, ()):
        return
    if not app.is_open:
        raise IllegalStep("appl.rule.closed", id=app.id, current=app.status)
    if target == SUBMITTED:  # the policy's own rule: no application without KS approval
        raise IllegalStep("appl.rule.needs_ks", id=app.id, current=app.status, target=target)
    raise IllegalStep("appl.rule.needs", id=app.id, current=app.status, target=target,
                      required=REQUIRED_BEFORE[target], choices=list(NEXT_STEPS[app.status]))


def _step_time(on: date | None, previous: datetime | None, tz: ZoneInfo,
               now: datetime) -> datetime:
    """``now``, or the start of day ``on`` (local) when a step is recorded afterwards."""
    if on is None:
        return now
    earliest = previous.astimezone(tz).date() if previous else None
    if on > now.astimezone(tz).date() or (earliest and on < earliest):
        raise ApplicationError("appl.bad_date", value=on.isoformat(),
                               previous=earliest.isoformat() if earliest else "-")
    return max(datetime.combine(on, time(0), tz), previous) if previous else \
        datetime.combine(on, time(0), tz)


def _add_event(conn: sqlite3.Connection, app_id: int, event: Event) -> None:
    conn.execute("INSERT INTO application_events (application_id, status, at, by, note, amount,"
                 " forced, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (app_id, event.status, to_iso(event.at), event.by, event.note, event.amount,
                  int(event.forced), event.reason))


def pair_partners(partners: Iterable[str], countries: Iterable[str]
                  ) -> list[tuple[str, str | None]]:
    """``--partner`` and ``--country`` given one for one are pairs; partners alone have no
    country; countries alone are added on their own (returned with partner ""). Both given in
    different numbers is refused: which country is whose would be a guess."""
    names = [p.strip() for p in partners if p.strip()]
    codes = [_country(c) for c in countries]
    if names and codes and len(names) != len(codes):
        raise ApplicationError("appl.unpaired", partners=len(names), countries=len(codes))
    if names and codes:
        return list(zip(names, codes))
    return [(n, None) for n in names] + [("", c) for c in codes]


def _add_partners(conn: sqlite3.Connection, app_id: int, partners: Iterable[str],
                  countries: Iterable[str]) -> None:
    pairs = pair_partners(partners, countries)
    rows = [(app_id, "partner", p, c) for p, c in pairs if p]
    rows += [(app_id, "country", c, None) for _, c in pairs if c]
    conn.executemany("INSERT OR IGNORE INTO application_partners (application_id, kind, value,"
                     " country) VALUES (?, ?, ?, ?)", rows)
    conn.executemany("UPDATE application_partners SET country = ? WHERE application_id = ? AND"
                     " kind = 'partner' AND value = ?", [(c, app_id, p) for p, c in pairs
                                                         if p and c])


def _set_details(conn: sqlite3.Connection, app_id: int, details: Mapping[str, str]) -> None:
    unknown = [k for k in details if k not in DETAILS]
    if unknown:
        raise ApplicationError("appl.unknown_detail", value=unknown[0], choices=list(DETAILS))
    conn.executemany("INSERT OR REPLACE INTO application_details (application_id, key, value)"
                     " VALUES (?, ?, ?)", [(app_id, k, str(v)) for k, v in details.items()
                                           if str(v).strip()])


def _suggest(store: Store, wanted: str) -> str:
    ids = [ident for ident, _ in store.item_names(kind="call")]
    natives = {i.split(":", 1)[-1]: i for i in ids}
    close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.6)
    close += [natives[n] for n in difflib.get_close_matches(wanted, list(natives), n=3,
                                                            cutoff=0.6) if natives[n] not in close]
    return f" ({', '.join(close[:3])}?)" if close else ""


def get_application(store: Store, app_id: int | str) -> Application:
    """One application by id; unknown id → :class:`ApplicationError` listing recent ids."""
    try:
        ident = int(str(app_id).lstrip("#"))
    except ValueError:
        ident = -1
    found = _load(store, "WHERE a.id = ?", [ident])
    if not found:
        recent = [r[0] for r in store.db.execute(
            "SELECT id FROM applications ORDER BY id DESC LIMIT 10").fetchall()]
        raise ApplicationError("appl.unknown_application", id=str(app_id),
                               choices=sorted(recent))
    return found[0]


def list_applications(store: Store, *, committee: str | None = None, year: int | None = None,
                      statuses: Iterable[str] = (), tz: ZoneInfo | None = None
                      ) -> list[Application]:
    """Applications, oldest first; ``year``: those with a step in that (local) year."""
    where, params = [], []
    if committee:
        where.append("a.committee = ?")
        params.append(committee)
    statuses = list(statuses)
    if statuses:
        where.append(f"a.status IN ({', '.join('?' for _ in statuses)})")
        params += statuses
    apps = _load(store, ("WHERE " + " AND ".join(where)) if where else "", params)
    if year is not None:
        if tz is None:
            raise ValueError("list_applications: a year needs tz, the settings' time zone")
        apps = [a for a in apps if any(e.at.astimezone(tz).year == year for e in a.history)]
    return apps


def _load(store: Store, where: str, params: list[Any]) -> list[Application]:
    rows = list(store.db.query(f"SELECT a.* FROM applications a {where} ORDER BY a.id", params))
    if not rows:
        return []
    calls = store.item_columns([r["item_id"] for r in rows],
                               ("title", "url", "programme", "deadlines"))
    rows = [{"title": None, "url": None, "programme": None, "deadlines": None,
             **calls.get(r["item_id"], {}), **r} for r in rows]
    marks = ", ".join("?" for _ in rows)
    ids = [r["id"] for r in rows]
    events: dict[int, list[Event]] = {}
    for e in store.db.query(f"SELECT * FROM application_events WHERE application_id IN ({marks})"
                            " ORDER BY id", ids):
        events.setdefault(e["application_id"], []).append(Event(
            e["status"], from_iso(e["at"]), e["by"], e["note"], e["amount"], bool(e["forced"]),
            e["reason"]))
    extras: dict[tuple[int, str], list[str]] = {}
    paired: dict[int, dict[str, str]] = {}
    for p in store.db.query(f"SELECT * FROM application_partners WHERE application_id IN "
                            f"({marks}) ORDER BY rowid", ids):
        extras.setdefault((p["application_id"], p["kind"]), []).append(p["value"])
        if p["kind"] == "partner" and p["country"]:
            paired.setdefault(p["application_id"], {})[p["value"]] = p["country"]
    details: dict[int, dict[str, str]] = {}
    for d in store.db.query(f"SELECT * FROM application_details WHERE application_id IN "
                            f"({marks})", ids):
        details.setdefault(d["application_id"], {})[d["key"]] = d["value"]
    return [Application(
        id=r["id"], item_id=r["item_id"], committee=r["committee"], status=r["status"],
        created=from_iso(r["created"]), updated=from_iso(r["updated"]),
        title=r["title"] or r["item_id"], url=r["url"], programme=r["programme"],
        deadlines=[from_iso(d) for d in json.loads(r["deadlines"] or "[]")],
        history=events.get(r["id"], []), partners=extras.get((r["id"], "partner"), []),
        countries=extras.get((r["id"], "country"), []), partner_countries=paired.get(r["id"], {}),
        details=details.get(r["id"], {})) for r in rows]
