"""A small, constructed year of Tyresö's international work (2026), used by the application
and report tests and to produce the sample report in tests/fixtures/decisions/.

Run ``python -m tests.decisions_scenario`` to print ``monitor report --year 2026`` for it.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import monitor.mail.ledger  # noqa: F401  (its table: the digests the scenario sent)
from monitor.app import open_store
from monitor.decisions.applications import advance_application, start_application
from monitor.model import CALL, Item, Tag
from monitor.store.database import Store
from tests.conftest import NOW, TZ

UTC = timezone.utc
COMMITTEES = ("ks", "bun", "gvn", "san", "aon", "kfn", "shn", "bn")

# (source, native id, title, programme, deadlines, first seen, committee tags)
CALLS = [
    ("eu-funding", "ERASMUS-2026-KA220-SCH", "Cooperation partnerships in school education",
     "Erasmus+", ["2026-03-05T11:00:00"], "2026-01-12", ["bun"]),
    ("icld", "kommunala-partnerskap-2026", "Kommunala partnerskap: inledande projekt",
     "ICLD", ["2026-04-15T21:59:00"], "2026-01-20", ["ks"]),
    ("nordplus", "junior-2027", "Nordplus Junior 2027", "Nordplus",
     ["2027-02-01T22:59:00"], "2026-09-01", ["bun"]),
    ("eu-funding", "ERASMUS-2026-KA152-YOU", "Youth exchanges", "Erasmus+",
     ["2026-10-01T10:00:00", "2027-02-19T11:00:00"], "2026-02-02", ["kfn", "bun"]),
    ("eu-funding", "ERASMUS-2026-KA210-SCH", "Small-scale partnerships in school education",
     "Erasmus+", ["2026-10-01T10:00:00"], "2026-08-15", ["bun"]),
    ("eu-funding", "CERV-2026-CITIZENS-TOWN-TT", "Town-twinning: Citizens, Equality, Rights "
     "and Values", "CERV", ["2026-09-18T15:00:00"], "2026-05-04", ["ks", "bun"]),
    ("eu-funding", "ERASMUS-2025-KA220-SCH", "Cooperation partnerships 2025 | school",
     "Erasmus+", ["2025-03-05T11:00:00"], "2025-01-10", ["bun"]),
    ("esf", "2027-kompetens", "Kompetensförsörjning i välfärden", "ESF+",
     ["2027-03-10T22:59:00"], "2026-11-20", ["aon"]),
]


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=7, tzinfo=UTC)


def add_calls(store: Store) -> None:
    """Store the calls, each first seen on its own day, with its committee tags."""
    for source, native, title, programme, deadlines, seen, tags in CALLS:
        item = Item(source=source, native_id=native, kind=CALL, title=title,
                    url=f"https://example.org/{source}/{native}", programme=programme,
                    deadlines=[datetime.fromisoformat(d).replace(tzinfo=UTC) for d in deadlines])
        store.upsert_items([item], now=_at(seen))
        store.replace_tags(item.id, [Tag("committee", tag, 1.0 - i / 10, (f"{tag} words",), "t")
                                     for i, tag in enumerate(tags)], now=NOW)


def add_applications(store: Store) -> None:
    """Four applications through every kind of ending, recorded on their own dates."""
    def start(item: str, committee: str, on: str, **kw) -> int:
        return start_application(store, item, committee, committees=COMMITTEES, by="karin.s",
                                 on=date.fromisoformat(on), now=NOW, tz=TZ, **kw).id

    def step(app: int, status: str, on: str, **kw) -> None:
        advance_application(store, app, status, by=kw.pop("by", "karin.s"),
                            on=date.fromisoformat(on), now=NOW, tz=TZ, **kw)

    school = start("eu-funding:ERASMUS-2026-KA220-SCH", "bun", "2026-01-14",
                   note="Läsfrämjande med vänorterna", partners=["Cēsis", "Savigny-le-Temple"],
                   countries=["LV", "FR"])
    step(school, "ks-approved", "2026-01-27", note="KS 2026-01-27 § 9", by="kommunsekreterare")
    step(school, "submitted", "2026-03-04", amount=450_000)
    step(school, "granted", "2026-07-10", amount=420_000, note="Beviljat av UHR")
    icld = start("icld:kommunala-partnerskap-2026", "ks", "2026-01-21",
                 partners=["Mbombela Local Municipality"], countries=["ZA"])
    step(icld, "ks-approved", "2026-02-24")
    step(icld, "submitted", "2026-04-14", amount=300_000)
    step(icld, "rejected", "2026-06-12", note="Fler sökande än medel")
    nordplus = start("nordplus:junior-2027", "bun", "2026-09-02", amount=250_000)
    step(nordplus, "ks-approved", "2026-09-22")
    step(nordplus, "submitted", "2026-11-02", amount=240_000, countries=["FI", "EE"])
    youth = start("eu-funding:ERASMUS-2026-KA152-YOU", "kfn", "2026-03-01")
    step(youth, "withdrawn", "2026-03-20", note="Ingen partner hann med")


def add_digests(store: Store, committees=("bun", "ks", "aon", "kfn"), year: int = 2026,
                until: str = "2026-11-16") -> None:
    """Weekly digests sent to these committees from the year's first Monday to ``until``, as
    the delivery ledger records them (what "shown in a digest" is read from)."""
    from datetime import timedelta

    from monitor.mail.ledger import SENT

    monday = datetime(year, 1, 1, 6, tzinfo=UTC)
    monday += timedelta(days=(7 - monday.weekday()) % 7)  # the year's first Monday
    last = datetime.fromisoformat(until).replace(hour=6, tzinfo=UTC)
    with store.write() as conn:
        while monday <= last:
            for committee in committees:
                key = f"digest:{committee}:{monday:%G-W%V}"
                conn.execute(
                    "INSERT INTO deliveries (key, kind, committee, subscription, period, sender,"
                    " recipients, subject, message_id, name, data, since, until, state, created)"
                    " VALUES (?, 'digest', ?, ?, ?, 'a@example.org', '[]', 's', ?, 'n', x'', ?,"
                    " ?, ?, ?)",
                    (key, committee, committee, f"{monday:%G-W%V}", f"<{key}@x>",
                     (monday - timedelta(days=7)).isoformat(), monday.isoformat(), SENT,
                     monday.isoformat()))
            monday += timedelta(days=7)


def build(store: Store) -> None:
    add_calls(store)
    add_applications(store)
    add_digests(store)


if __name__ == "__main__":  # pragma: no cover - prints the sample report
    from pathlib import Path

    from monitor.config.committees import load_committees
    from monitor.paperwork.report import build_report, render_report

    config = Path(__file__).resolve().parent.parent / "config"
    with open_store(":memory:") as db:
        build(db)
        print(render_report(build_report(db, 2026, load_committees(config), now=NOW, tz=TZ), tz=TZ), end="")
