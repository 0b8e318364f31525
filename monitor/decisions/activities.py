"""The international activities register, beside the applications: visits, exchanges,
partnerships, projects, networks and received visits, per committee.

The policy asks that *"Vänortsbesök ska efter genomförda besök redovisas till
kommunstyrelsen"*: a visit (``visit`` or ``received-visit``) is "unreported" until
:func:`mark_reported` records the day it was reported to KS, and the coordinator's weekly
overview lists it until then (:func:`unreported_visits`). Periods are ``YYYY-MM`` or
``YYYY-MM-DD`` text (a project "December 2015–November 2018" has no day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

from monitor.decisions.applications import ApplicationError, pair_partners
from monitor.model import from_iso, to_iso
from monitor.store.database import Store
from monitor.store.sql import Database
from monitor.text.i18n import add_messages, t
from monitor.text.longdates import check_month_or_day, overlaps_year

__all__ = ["Activity", "KINDS", "VISITS", "add_activity", "list_activities", "get_activity",
           "mark_reported", "unreported_visits", "kind_label"]

KINDS = ("visit", "exchange", "partnership", "project", "network", "received-visit")
VISITS = ("visit", "received-visit")


def create_table(db: Database) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS activities (id INTEGER PRIMARY KEY, "
               "committee TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, "
               "period_from TEXT, period_to TEXT, funding TEXT NOT NULL DEFAULT '', "
               "note TEXT NOT NULL DEFAULT '', reported_to_ks TEXT, by TEXT NOT NULL, "
               "created TEXT NOT NULL)")
    db.execute("CREATE TABLE IF NOT EXISTS activity_partners (activity_id INTEGER NOT NULL, "
               "position INTEGER NOT NULL, partner TEXT NOT NULL, country TEXT, "
               "PRIMARY KEY (activity_id, position))")


@dataclass(frozen=True)
class Activity:
    id: int
    committee: str
    kind: str
    title: str
    period_from: str | None
    period_to: str | None
    funding: str
    note: str
    reported_to_ks: date | None
    by: str
    created: datetime
    pairs: tuple[tuple[str, str | None], ...] = ()

    @property
    def is_visit(self) -> bool:
        return self.kind in VISITS

    @property
    def needs_report(self) -> bool:
        return self.is_visit and self.reported_to_ks is None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "committee": self.committee, "kind": self.kind,
                "title": self.title, "from": self.period_from, "to": self.period_to,
                "funding": self.funding, "note": self.note,
                "partners": [{"partner": p, "country": c} for p, c in self.pairs],
                "reported_to_ks": self.reported_to_ks.isoformat() if self.reported_to_ks
                else None, "by": self.by, "created": to_iso(self.created)}


def kind_label(kind: str, lang: str = "sv") -> str:
    return t(f"activity.kind.{kind}", lang) if kind in KINDS else kind


def add_activity(store: Store, *, committee: str, committees: Iterable[str], kind: str,
                 title: str, by: str, partners: Iterable[str] = (),
                 countries: Iterable[str] = (), period_from: str | None = None,
                 period_to: str | None = None, funding: str = "", note: str = "",
                 now: datetime) -> Activity:
    """Record one activity; every value is checked before anything is written."""
    valid = list(committees)
    if committee not in valid:
        raise ApplicationError("appl.unknown_committee", id=committee, choices=valid)
    if kind not in KINDS:
        raise ApplicationError("activity.bad_kind", value=kind, choices=list(KINDS))
    if not title.strip():
        raise ApplicationError("activity.no_title")
    for value in (period_from, period_to):
        if value and check_month_or_day(value):
            raise ApplicationError("activity.bad_period", value=value)
    if period_from and period_to and period_to < period_from:
        raise ApplicationError("activity.period_order", start=period_from, end=period_to)
    pairs = pair_partners(partners, countries)
    with store.write() as conn:
        cur = conn.execute(
            "INSERT INTO activities (committee, kind, title, period_from, period_to, funding, "
            "note, by, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (committee, kind, title.strip(), period_from or None, period_to or None,
             funding.strip(), note.strip(), by, to_iso(now)))
        ident = int(cur.lastrowid)
        conn.executemany("INSERT INTO activity_partners (activity_id, position, partner, "
                         "country) VALUES (?, ?, ?, ?)",
                         [(ident, i, p, c) for i, (p, c) in enumerate(pairs)])
    return get_activity(store, ident)


def mark_reported(store: Store, ident: int | str, on: date, *,
                  today: date | None = None) -> Activity:
    """Record the day the activity was reported to KS (not in the future)."""
    activity = get_activity(store, ident)
    if today is not None and on > today:
        raise ApplicationError("activity.future_report", value=on.isoformat())
    with store.write() as conn:
        conn.execute("UPDATE activities SET reported_to_ks = ? WHERE id = ?",
                     (on.isoformat(), activity.id))
    return get_activity(store, activity.id)


def get_activity(store: Store, ident: int | str) -> Activity:
    try:
        number = int(str(ident).lstrip("#"))
    except ValueError:
        number = -1
    found = _load(store, "WHERE id = ?", [number])
    if not found:
        recent = [r[0] for r in store.db.execute(
            "SELECT id FROM activities ORDER BY id DESC LIMIT 10").fetchall()]
        raise ApplicationError("activity.unknown", id=str(ident), choices=sorted(recent))
    return found[0]


def list_activities(store: Store, *, year: int | None = None, committee: str | None = None,
                    kinds: Iterable[str] = ()) -> list[Activity]:
    """Activities in the order recorded; ``year``: those whose period touches that year (an
    activity without a period belongs to the year it was recorded)."""
    where, params = [], []
    if committee:
        where.append("committee = ?")
        params.append(committee)
    kinds = list(kinds)
    if kinds:
        where.append(f"kind IN ({', '.join('?' for _ in kinds)})")
        params += kinds
    found = _load(store, ("WHERE " + " AND ".join(where)) if where else "", params)
    if year is None:
        return found
    return [a for a in found if (overlaps_year(a.period_from, a.period_to, year)
                                 if a.period_from or a.period_to else a.created.year == year)]


def unreported_visits(store: Store) -> list[Activity]:
    """Visits not yet reported to KS, oldest first."""
    return [a for a in list_activities(store, kinds=VISITS) if a.reported_to_ks is None]


def _load(store: Store, where: str, params: list[Any]) -> list[Activity]:
    if "activities" not in store.db.table_names():  # a store opened before this module
        return []
    rows = list(store.db.query(f"SELECT * FROM activities {where} ORDER BY id", params))
    pairs: dict[int, list[tuple[str, str | None]]] = {}
    if rows:
        marks = ", ".join("?" for _ in rows)
        for p in store.db.query(f"SELECT * FROM activity_partners WHERE activity_id IN "
                                f"({marks}) ORDER BY position", [r["id"] for r in rows]):
            pairs.setdefault(p["activity_id"], []).append((p["partner"], p["country"]))
    return [Activity(
        id=r["id"], committee=r["committee"], kind=r["kind"], title=r["title"],
        period_from=r["period_from"], period_to=r["period_to"], funding=r["funding"],
        note=r["note"], by=r["by"], created=from_iso(r["created"]),
        reported_to_ks=date.fromisoformat(r["reported_to_ks"]) if r["reported_to_ks"] else None,
        pairs=tuple(pairs.get(r["id"], []))) for r in rows]


add_messages({
    "activity.kind.visit": {"sv": "besök", "en": "visit"},
    "activity.kind.exchange": {"sv": "utbyte", "en": "exchange"},
    "activity.kind.partnership": {"sv": "partnerskap", "en": "partnership"},
    "activity.kind.project": {"sv": "projekt", "en": "project"},
    "activity.kind.network": {"sv": "nätverk", "en": "network"},
    "activity.kind.received-visit": {"sv": "mottaget besök", "en": "received visit"},
    "activity.bad_kind": {"sv": "Okänd typ {value!r}. Giltiga: {choices}.",
                          "en": "Unknown kind {value!r}. Valid: {choices}."},
    "activity.no_title": {"sv": "--title får inte vara tom.", "en": "--title must not be empty."},
    "activity.bad_period": {"sv": "Ogiltig period {value!r}: ange YYYY-MM eller YYYY-MM-DD.",
                            "en": "Invalid period {value!r}: give YYYY-MM or YYYY-MM-DD."},
    "activity.period_order": {"sv": "--to {end} ligger före --from {start}.",
                              "en": "--to {end} is before --from {start}."},
    "activity.future_report": {"sv": "Redovisningsdagen {value} ligger efter i dag.",
                               "en": "The reporting day {value} is after today."},
    "activity.unknown": {"sv": "Ingen aktivitet med id {id!r}. Befintliga: {choices}.",
                         "en": "No activity with id {id!r}. Existing: {choices}."},
    "activity.unreported_heading": {"sv": "Vänortsbesök att redovisa för KS",
                                    "en": "Twinning visits to report to KS"},
    "activity.unreported_line": {
        "sv": "#{id} {title} ({committee}, {when}): inte redovisat för KS; registrera med "
              "monitor activity {id} --reported-to-ks ÅÅÅÅ-MM-DD",
        "en": "#{id} {title} ({committee}, {when}): not reported to KS; record it with "
              "monitor activity {id} --reported-to-ks YYYY-MM-DD"},
})
