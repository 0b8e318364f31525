"""The yearly report in the municipality's own shape ("Rapport internationellt samarbete"):
Partnerskap, Vänorter, Internationellt samarbete inom förvaltningarna, Ansökningar,
Utlysningar som visades men inte söktes, and the coordinator's Bedömning.

An application belongs to a year when it had a step in that year; it is shown as it stood at
the end of the year (or now, for the current year), so a grant decided in January counts in
the next year's report. An activity belongs to each year its period touches. "Shown but not
pursued": calls tagged to the committee, first seen in the year while open or forthcoming,
inside the window of a digest sent to the committee (or the coordinator's overview), for
which the committee has no application. Several committees applying for one call is one
application in the totals. :mod:`monitor.paperwork.report_doc` turns the report into a document.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from monitor.config.committees import Committee
from monitor.config.organisation import Organisation
from monitor.decisions.activities import Activity, list_activities
from monitor.decisions.applications import STATUSES, Application, list_applications, status_label
from monitor.mail.ledger import sent_digest_windows
from monitor.model import CALL, from_iso, next_deadline
# re-exported: amounts are formatted here too, and callers import money from here
from monitor.paperwork.report_doc import money  # noqa: F401
from monitor.store.database import Store
from monitor.store.rows import ItemQuery, StoredItem
from monitor.text.i18n import add_messages, format_date, t

__all__ = ["YearReport", "CommitteeReport", "StatusLine", "build_report", "render_report",
           "FORMATS"]

FORMATS = ("md", "html", "docx", "xlsx", "csv")
BINARY_FORMATS = ("docx", "xlsx")


@dataclass(frozen=True)
class StatusLine:
    """How many applications ended the year in one status, and their amounts (SEK)."""

    status: str
    count: int
    applied: int | None
    granted: int | None


@dataclass
class CommitteeReport:
    """One committee's year: applications (as at year end), partners, calls not pursued."""

    committee: Committee
    applications: list[Application] = field(default_factory=list)
    not_pursued: list[dict[str, Any]] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)

    @property
    def by_status(self) -> list[StatusLine]:
        lines = []
        for status in STATUSES:
            apps = [a for a in self.applications if a.status == status]
            if apps:
                lines.append(StatusLine(status, len(apps), _sum(a.amount_applied for a in apps),
                                        _sum(a.amount_granted for a in apps)))
        return lines

    @property
    def total(self) -> StatusLine:
        apps = self.applications
        return StatusLine("", len(apps), _sum(a.amount_applied for a in apps),
                          _sum(a.amount_granted for a in apps))

    @property
    def granted(self) -> list[Application]:
        return [a for a in self.applications if a.status == "granted"]

    @property
    def partners(self) -> list[str]:
        return sorted({p for a in self.applications for p in a.partners}, key=str.casefold)

    @property
    def countries(self) -> list[str]:
        return sorted({c for a in self.applications for c in a.countries})


@dataclass
class YearReport:
    """The whole report for one year."""

    year: int
    generated: datetime
    committees: list[CommitteeReport]
    organisation: Organisation = field(default_factory=Organisation)
    assessment: str | None = None

    @property
    def applications(self) -> list[Application]:
        return [a for section in self.committees for a in section.applications]

    @property
    def activities(self) -> list[Activity]:
        return [a for section in self.committees for a in section.activities]

    def _per_call(self) -> list[Application]:
        """One application per call: several committees on one call are one application
        (the amounts of the one recorded first that has them)."""
        calls: dict[str, Application] = {}
        for app in sorted(self.applications, key=lambda a: a.id):
            kept = calls.get(app.item_id)
            if kept is None or (kept.amount_applied is None and app.amount_applied is not None):
                calls[app.item_id] = app
        return list(calls.values())

    @property
    def total(self) -> StatusLine:
        """Every committee's applications together, a call shared by committees once."""
        apps = self._per_call()
        return StatusLine("", len(apps), _sum(a.amount_applied for a in apps),
                          _sum(a.amount_granted for a in apps))

    @property
    def granted_count(self) -> int:
        return sum(1 for a in self._per_call() if a.status == "granted")

    @property
    def not_pursued(self) -> list[dict[str, Any]]:
        """Each call not pursued once, with every committee it was shown to."""
        calls: dict[str, dict[str, Any]] = {}
        for section in self.committees:
            for row in section.not_pursued:
                entry = calls.setdefault(row["id"], dict(row, shown_to=[]))
                entry["shown_to"].append(section.committee)
        return sorted(calls.values(), key=lambda r: (r["first_seen"], r["id"]))

    @property
    def not_pursued_count(self) -> int:
        """Calls not pursued, a call shown to two committees once."""
        return len(self.not_pursued)

    def is_twinning(self, activity: Activity) -> bool:
        """A visit, or an activity with a twinning town, that is not a partnership."""
        return activity.kind != "partnership" and (activity.is_visit or any(
            self.organisation.is_twinning_town(p) for p, _ in activity.pairs))


def _sum(values: Any) -> int | None:
    """The sum of the known amounts; None when none is known (shown as "–", not 0)."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def build_report(store: Store, year: int, committees: Mapping[str, Committee], *,
                 committee: str | None = None, tz: ZoneInfo,
                 now: datetime, organisation: Organisation | None = None,
                 assessment: str | None = None) -> YearReport:
    """Collect the report; ``committee`` limits it to one (shown even when empty)."""
    year_end = min(datetime(year + 1, 1, 1, tzinfo=tz) - timedelta(microseconds=1), now)
    chosen = [committee] if committee else list(committees)
    windows = _digest_windows(store)
    sections = []
    for ident in chosen:
        apps = [a.as_of(year_end) for a in list_applications(store, committee=ident, year=year,
                                                              tz=tz)]
        apps = [a for a in apps if a is not None]
        applied_items = {a.item_id for a in list_applications(store, committee=ident, tz=tz)}
        shown = [_with_deadline(row, now)
                 for row in store.query_items(ItemQuery(kind=CALL, committee=ident), now=now)
                 if from_iso(row.first_seen).astimezone(tz).year == year
                 and row.id not in applied_items and _was_open(row, year_end)
                 and _in_digest(from_iso(row.first_seen), windows, ident)]
        done = list_activities(store, year=year, committee=ident)
        if apps or shown or done or committee:
            sections.append(CommitteeReport(committees[ident], apps, shown, done))
    return YearReport(year=year, generated=now, committees=sections,
                      organisation=organisation or Organisation(), assessment=assessment)


def _digest_windows(store: Store) -> list[tuple[str, datetime, datetime]]:
    """(committee, since, until) of every digest sent (the overview's committee is "all")."""
    return [(committee, from_iso(since), from_iso(until))
            for committee, since, until in sent_digest_windows(store)]


def _in_digest(first_seen: datetime, windows: list[tuple[str, datetime, datetime]],
               committee: str) -> bool:
    """First seen inside a sent digest's window: it was among that digest's new calls."""
    return any(c in (committee, "all") and since < first_seen <= until
               for c, since, until in windows)


def _was_open(row: StoredItem, year_end: datetime) -> bool:
    """Open or forthcoming when first seen, and opened by the end of the year."""
    seen = from_iso(row.first_seen)
    opens = from_iso(row.opens)
    deadlines = [d for d in (from_iso(x) for x in row.deadlines) if d is not None]
    return (opens is None or opens <= year_end) and (not deadlines or max(deadlines) >= seen)


def _with_deadline(row: StoredItem, now: datetime) -> dict[str, Any]:
    """The report's row of the item, with ``deadline`` = its next deadline, or its last when
    all have passed (the stored one may not have been rolled forward; the report does not
    write)."""
    deadlines = [d for d in (from_iso(x) for x in row.deadlines) if d is not None]
    return dict(row.as_dict(),
                deadline=next_deadline(deadlines, now) or (max(deadlines) if deadlines else None))


add_messages({
    "report.title": {"sv": "Rapport internationellt samarbete {year}",
                     "en": "Report on international cooperation {year}"},
    "report.generated": {
        "sv": "Sammanställt {date} ur omvärldsbevakningens register. Ansökningar med något "
              "steg under året, med status vid årets slut; aktiviteter vars period berör året.",
        "en": "Compiled {date} from the monitor's registers. Applications with a step during "
              "the year, with their status at the end of the year; activities whose period "
              "touches the year."},
    "report.nothing": {"sv": "Inga ansökningar eller utlysningar under {year}.",
                       "en": "No applications or calls in {year}."},
    "report.summary": {"sv": "Sammanfattning", "en": "Summary"},
    "report.col_committee": {"sv": "Nämnd", "en": "Committee"},
    "report.col_applications": {"sv": "Ansökningar", "en": "Applications"},
    "report.col_granted_count": {"sv": "Beviljade", "en": "Granted"},
    "report.col_not_pursued": {"sv": "Ej sökta utlysningar", "en": "Calls not pursued"},
    "report.by_status": {"sv": "Ansökningar efter status", "en": "Applications by status"},
    "report.col_status": {"sv": "Status", "en": "Status"},
    "report.col_count": {"sv": "Antal", "en": "Number"},
    "report.col_applied": {"sv": "Sökt belopp", "en": "Applied for"},
    "report.col_granted": {"sv": "Beviljat belopp", "en": "Amount granted"},
    "report.total": {"sv": "Summa", "en": "Total"},
    "report.no_applications": {"sv": "Inga ansökningar.", "en": "No applications."},
    "report.granted_projects": {"sv": "Beviljade projekt", "en": "Granted projects"},
    "report.none": {"sv": "Inga.", "en": "None."},
    "report.partners": {"sv": "Partner", "en": "Partners"},
    "report.countries": {"sv": "Länder", "en": "Countries"},
    "report.applications": {"sv": "Alla ansökningar", "en": "All applications"},
    "report.col_call": {"sv": "Utlysning", "en": "Call"},
    "report.col_steps": {"sv": "Steg", "en": "Steps"},
    "report.not_pursued": {"sv": "Utlysningar som visades men inte söktes ({count})",
                           "en": "Calls shown but not pursued ({count})"},
    "report.deadline": {"sv": "sista dag", "en": "deadline"},
    "report.first_seen": {"sv": "först sedd", "en": "first seen"},
})


def render_report(report: YearReport, fmt: str = "md", lang: str = "sv", *,
                  tz: ZoneInfo) -> str | bytes:
    """The report as Markdown, HTML (escaped), Word or Excel (bytes), or CSV (one row per
    application)."""
    from monitor.paperwork import document
    from monitor.paperwork.report_doc import report_blocks

    if fmt == "csv":
        return _csv(report, lang, tz)
    blocks = report_blocks(report, lang, tz, for_sheets=fmt == "xlsx")
    if fmt == "md":
        return document.to_markdown(blocks)
    if fmt == "html":
        return document.to_html(blocks, t("report.title", lang, year=report.year), lang)
    if fmt == "docx":
        return document.to_docx(blocks)
    if fmt == "xlsx":
        return document.to_xlsx(blocks)
    raise ValueError(f"unknown report format {fmt!r}")


CSV_COLUMNS = ("year", "committee", "committee_name", "id", "item", "title", "programme",
               "status", "status_label", "intent", "ks_approved", "submitted", "decided",
               "amount_applied", "amount_granted", "partners", "countries")


def _csv(report: YearReport, lang: str, tz: ZoneInfo) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for section in report.committees:
        for app in section.applications:
            decided = app.step_date("granted") or app.step_date("rejected")
            writer.writerow([
                report.year, app.committee, section.committee.display_name(lang), app.id,
                app.item_id, app.title, app.programme or "", app.status,
                status_label(app.status, lang), format_date(app.step_date("intent"), tz),
                format_date(app.step_date("ks-approved"), tz),
                format_date(app.step_date("submitted"), tz), format_date(decided, tz),
                "" if app.amount_applied is None else app.amount_applied,
                "" if app.amount_granted is None else app.amount_granted,
                ";".join(app.partners), ";".join(app.countries)])
    return buffer.getvalue()
