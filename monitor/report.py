"""The yearly report: each committee's international work in one year, as raw material for
the annual report (verksamhetsberättelse/årsredovisning).

An application belongs to a year when it had a step in that year; it is shown as it stood at
the end of the year (or now, for the current year), so a grant decided in January counts in
the next year's report. "Shown but not pursued": calls tagged to the committee and first seen
in the year, for which the committee has no application.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo

import jinja2

from .applications import STATUSES, Application, list_applications, status_label
from .committees import Committee
from .i18n import add_messages, format_date, t
from .mail import safe_href
from .model import CALL, from_iso, next_deadline, utcnow
from .store import Store

__all__ = ["YearReport", "CommitteeReport", "StatusLine", "build_report", "render_report",
           "report_rows", "CSV_COLUMNS", "FORMATS"]

FORMATS = ("md", "html", "csv")
TEMPLATES = Path(__file__).resolve().parent / "templates_report"


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

    @property
    def total(self) -> StatusLine:
        """Every committee's applications together."""
        apps = [a for section in self.committees for a in section.applications]
        return StatusLine("", len(apps), _sum(a.amount_applied for a in apps),
                          _sum(a.amount_granted for a in apps))

    @property
    def granted_count(self) -> int:
        return sum(len(section.granted) for section in self.committees)

    @property
    def not_pursued_count(self) -> int:
        """Calls not pursued, per committee (a call tagged to two committees counts twice)."""
        return sum(len(section.not_pursued) for section in self.committees)


def _sum(values: Any) -> int | None:
    """The sum of the known amounts; None when none is known (shown as "–", not 0)."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def build_report(store: Store, year: int, committees: Mapping[str, Committee], *,
                 committee: str | None = None, tz: ZoneInfo | None = None,
                 now: datetime | None = None) -> YearReport:
    """Collect the report; ``committee`` limits it to one (shown even when empty)."""
    tz = tz or ZoneInfo("Europe/Stockholm")
    now = now or utcnow()
    year_end = min(datetime(year + 1, 1, 1, tzinfo=tz) - timedelta(microseconds=1), now)
    chosen = [committee] if committee else list(committees)
    sections = []
    for ident in chosen:
        apps = [a.as_of(year_end) for a in list_applications(store, committee=ident, year=year,
                                                              tz=tz)]
        apps = [a for a in apps if a is not None]
        applied_items = {a.item_id for a in list_applications(store, committee=ident)}
        shown = [_with_deadline(row, now)
                 for row in store.query_items(kind=CALL, committee=ident, now=now)
                 if from_iso(row["first_seen"]).astimezone(tz).year == year
                 and row["id"] not in applied_items]
        if apps or shown or committee:
            sections.append(CommitteeReport(committees[ident], apps, shown))
    return YearReport(year=year, generated=now, committees=sections)


def _with_deadline(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The row with ``deadline`` = its next deadline, or its last when all have passed (the
    stored one may not have been rolled forward; the report does not write)."""
    deadlines = [d for d in (from_iso(x) for x in row["deadlines"]) if d is not None]
    row["deadline"] = next_deadline(deadlines, now) or (max(deadlines) if deadlines else None)
    return row


add_messages({
    "report.title": {"sv": "Internationellt arbete {year}: underlag för årsredovisningen",
                     "en": "International work {year}: material for the annual report"},
    "report.generated": {
        "sv": "Sammanställt {date} ur omvärldsbevakningen. Ansökningar med något steg under "
              "året, med status vid årets slut. Belopp i kronor.",
        "en": "Compiled {date} from the monitor. Applications with a step during the year, "
              "with their status at the end of the year. Amounts in SEK."},
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
    "report.col_granted": {"sv": "Beviljat belopp", "en": "Granted"},
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


def money(value: int | None, lang: str = "sv") -> str:
    """450000 → "450 000 kr" (sv) / "SEK 450,000" (en); None → "–"."""
    if value is None:
        return "–"
    if lang == "en":
        return f"SEK {value:,}"
    return f"{value:,}".replace(",", "\u00a0") + "\u00a0kr"


def _md_cell(value: Any) -> str:
    return str(value or "").replace("|", "\\|").replace("\n", " ")


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=autoescape,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["md"] = _md_cell
    return env


def render_report(report: YearReport, fmt: str = "md", lang: str = "sv",
                  tz: ZoneInfo | None = None) -> str:
    """The report as Markdown, HTML (autoescaped) or CSV (one row per application)."""
    tz = tz or ZoneInfo("Europe/Stockholm")
    if fmt == "csv":
        return _csv(report, lang, tz)
    template = _environment(fmt == "html").get_template(f"report.{fmt}.j2")
    return template.render(
        report=report, lang=lang, _=lambda key, **v: t(key, lang, **v),
        money=lambda v: money(v, lang), date=lambda v: format_date(v, tz),
        href=safe_href,  # the one rule for links in every output: absolute http(s) only
        status=lambda s: status_label(s, lang),
        steps=lambda a: ", ".join(f"{status_label(e.status, lang)} {format_date(e.at, tz)}"
                                  for e in a.history))


CSV_COLUMNS = ("year", "committee", "committee_name", "id", "item", "title", "programme",
               "status", "status_label", "intent", "ks_approved", "submitted", "decided",
               "amount_applied", "amount_granted", "partners", "countries")


def report_rows(report: YearReport, lang: str, tz: ZoneInfo) -> list[list[Any]]:
    """One row per application in :data:`CSV_COLUMNS` order (CSV and the Excel sheet):
    step dates as local ``YYYY-MM-DD``, amounts as numbers or None, lists as lists."""
    rows = []
    for section in report.committees:
        for app in section.applications:
            decided = app.step_date("granted") or app.step_date("rejected")
            rows.append([
                report.year, app.committee, section.committee.display_name(lang), app.id,
                app.item_id, app.title, app.programme or "", app.status,
                status_label(app.status, lang), format_date(app.step_date("intent"), tz),
                format_date(app.step_date("ks-approved"), tz),
                format_date(app.step_date("submitted"), tz), format_date(decided, tz),
                app.amount_applied, app.amount_granted, list(app.partners),
                list(app.countries)])
    return rows


def _csv(report: YearReport, lang: str, tz: ZoneInfo) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report_rows(report, lang, tz):
        writer.writerow(["" if v is None else ";".join(v) if isinstance(v, list) else v
                         for v in row])
    return buffer.getvalue()
