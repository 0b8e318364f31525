"""``monitor apply``, ``monitor application`` and ``monitor applications``: from an
interesting call to a decision (``monitor report``, the year's work: applications_report)."""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path
from typing import Any, Callable, List, Optional, TypeVar

import typer

from monitor.cli.common import (SHEET_FORMATS, OutputOption, SheetFormatOption, State, check_format,
                                cli_errors, console, emit, err, state, usage_exit, write_sheet)
from monitor.cli.usage import (APPLICATION_STATUSES, UsageError, check_year, choose, choose_all,
                               resolve_committee)
from monitor.config.committees import committees, priorities
from monitor.config.organisation import organisation
from monitor.decisions.applications import (STATUSES, Application, ApplicationError,
                                            advance_application, get_application, list_applications,
                                            parse_amount, start_application, status_label)
from monitor.decisions.decide_by import decide_by
from monitor.decisions.earlier import earlier_for_row
from monitor.decisions.meetings import meetings
from monitor.decisions.progress import format_next_step, progress_of
from monitor.paperwork.document import to_docx, to_markdown
from monitor.paperwork.ks_draft import ks_draft, partner_text
from monitor.paperwork.report import money
from monitor.text.i18n import add_messages, format_date, t
from monitor.text.longdates import check_month_or_day, long_date, long_day

F = TypeVar("F", bound=Callable[..., Any])

add_messages({
    "applcli.recorded": {"sv": "Ansökan {id} registrerad: {status}, {committee}, {title}.",
                         "en": "Application {id} recorded: {status}, {committee}, {title}."},
    "applcli.moved": {"sv": "Ansökan {id}: {old} → {new} ({by}, {date}).",
                      "en": "Application {id}: {old} → {new} ({by}, {date})."},
    "applcli.next": {"sv": "Nästa steg: {step}.", "en": "Next step: {step}."},
    "applcli.forced": {"sv": "Tvingat steg, skäl: {reason}", "en": "Forced step, reason: {reason}"},
    "applcli.none": {"sv": "Inga ansökningar matchar.", "en": "No applications match."},
    "applcli.col_next": {"sv": "Nästa steg", "en": "Next step"},
    "applcli.col_applied": {"sv": "Sökt", "en": "Applied for"},
    "applcli.col_granted": {"sv": "Beviljat", "en": "Granted"},
    "applcli.col_amounts": {"sv": "Sökt, beviljat", "en": "Applied, granted"},
    "applcli.col_committee": {"sv": "Nämnd", "en": "Committee"},
    "applcli.col_updated": {"sv": "Senast", "en": "Last step"},
    "applcli.col_created": {"sv": "Registrerad", "en": "Recorded"},
    "applcli.sheet": {"sv": "Ansökningar", "en": "Applications"},
    "applcli.report_sheet": {"sv": "Internationellt {year}", "en": "International {year}"},
    **{f"applcli.report.{key}": {"sv": sv, "en": en} for key, sv, en in (
        ("year", "År", "Year"), ("committee", "Nämnd (id)", "Committee (id)"),
        ("committee_name", "Nämnd", "Committee"), ("id", "Ansökan", "Application"),
        ("item", "Utlysningens id", "Call id"), ("title", "Titel", "Title"),
        ("programme", "Program", "Programme"), ("status", "Status (kod)", "Status (code)"),
        ("status_label", "Status", "Status"), ("intent", "Avsikt", "Intent"),
        ("ks_approved", "Godkänd av KS", "Approved by KS"),
        ("submitted", "Inskickad", "Submitted"), ("decided", "Beslut", "Decided"),
        ("amount_applied", "Sökt (kr)", "Applied (SEK)"),
        ("amount_granted", "Beviljat (kr)", "Granted (SEK)"),
        ("partners", "Partner", "Partners"), ("countries", "Länder", "Countries"))},
    "applcli.history": {"sv": "Historik", "en": "History"},
    "applcli.partners": {"sv": "Partner", "en": "Partners"},
    "applcli.countries": {"sv": "Länder", "en": "Countries"},
    "applcli.draft_written": {"sv": "KS-underlaget skrevs till {path}.",
                              "en": "The KS draft was written to {path}."},
    "applcli.too_late": {
        "sv": "Varning: KS hinner inte besluta före sista dag {deadline}: sista "
              "KS-sammanträde som hade räckt var {meeting}. Det som återstår: extra "
              "sammanträde, ordförandebeslut eller nästa omgång.",
        "en": "Warning: KS cannot decide before the deadline {deadline}: the last KS meeting "
              "that would have done was {meeting}. What is left: an extra meeting, a chair's "
              "decision or the next round."},
    "applcli.committee_missed": {
        "sv": "Varning: {committee} har inget ordinarie sammanträde före ärendets sista dag "
              "till KS ({submission}): extra sammanträde eller ordförandebeslut behövs.",
        "en": "Warning: {committee} has no ordinary meeting before the matter is due at KS "
              "({submission}): an extra meeting or a chair's decision is needed."},
})


def application_errors(fn: F) -> F:
    """Refused register requests (illegal step, unknown item ...): message in sv/en, exit 2."""
    @functools.wraps(fn)
    def wrapper(ctx: typer.Context, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(ctx, *args, **kwargs)
        except ApplicationError as exc:  # the register's own words, in the one error style
            lang = state(ctx).lang
            usage_exit(t("usage.bare", lang, reason=exc.message(lang)))
    return wrapper  # type: ignore[return-value]


def _who(st: State, by: Optional[str]) -> str:
    """``--by``, else the coordinator from settings ([organisation] coordinator)."""
    return by or organisation(st.config).coordinator


def _details(project: Optional[str], start: Optional[str], end: Optional[str],
             cofinancing: Optional[str]) -> dict[str, str]:
    """The project's own facts given on the command line (checked)."""
    for value, hint in ((start, "--from"), (end, "--to")):
        if value and check_month_or_day(value):
            raise UsageError(hint, value, reason="usage.malformed", expected="YYYY-MM, YYYY-MM-DD")
    found = {"project": project, "period_from": start, "period_to": end,
             "cofinancing": str(parse_amount(cofinancing)) if cofinancing else None}
    return {k: v for k, v in found.items() if v}


def _warn_if_late(st: State, application: Application) -> None:
    """The policy's step cannot be taken in time: say so before anything else is done."""
    plan = decide_by(application.deadlines, application.committee,
                     meetings(st.config, st.store), st.now)
    if plan is None:
        return
    tz, lang = st.tz, st.lang
    if plan.too_late:
        err.print(t("applcli.too_late", lang, deadline=long_date(plan.deadline, tz, lang),
                    meeting=long_day(plan.ks_meeting, lang) if plan.ks_meeting else "–"),
                  markup=False, soft_wrap=True)
    elif plan.committee_missed:
        name = committees(st.config)[application.committee].display_name(lang)
        err.print(t("applcli.committee_missed", lang, committee=name,
                    submission=long_day(plan.ks_submission, lang)),
                  markup=False, soft_wrap=True)


def _day(value: Optional[str]) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError("--date", value, reason="usage.malformed",
                         expected="YYYY-MM-DD") from None


def committee_of(st: State, ident: Optional[str]) -> Optional[str]:
    return resolve_committee(st.config, ident)


def _next_step(st: State, application: Application) -> str:
    progress = progress_of(application, meetings(st.config, st.read_store), st.now)
    return format_next_step(progress, st.lang, tz=st.tz) if progress else ""


def _print_application(st: State, application: Application) -> None:
    lang, tz = st.lang, st.tz
    console.print(f"#{application.id} {application.title}", markup=False, style="bold")
    console.print(f"{application.item_id} · {application.committee} · "
                  f"{status_label(application.status, lang)}", markup=False)
    partners = partner_text(application.pairs, application.countries, lang)
    if partners:
        console.print(f"{t('applcli.partners', lang)}: {partners}", markup=False)
    console.print(t("applcli.history", lang), style="bold")
    for event in application.history:
        amount = f", {money(event.amount, lang)}" if event.amount is not None else ""
        note = f": {event.note}" if event.note else ""
        if event.reason and not event.forced:  # the funder's reason or conditions
            note += f" ({event.reason})"
        forced = f" [{t('applcli.forced', lang, reason=event.reason)}]" if event.forced else ""
        console.print(f"  {format_date(event.at, tz)}  {status_label(event.status, lang)} "
                      f"({event.by}{amount}){note}{forced}", markup=False)
    step = _next_step(st, application)
    if step:
        console.print(t("applcli.next", lang, step=step), markup=False)


PartnerOption = typer.Option([], "--partner", help="Partner (kommun, organisation); flera går")
CountryOption = typer.Option([], "--country", help="Partnerland, ISO-kod (LV, FR); flera går")
ByOption = typer.Option(None, "--by", help="Vem som registrerar (standard: samordnaren i "
                        "settings.toml, [organisation] coordinator)")
ProjectOption = typer.Option(None, "--project", help="Projektets namn (annars utlysningens)")
FromOption = typer.Option(None, "--from", metavar="YYYY-MM[-DD]", help="Projektperiodens start")
ToOption = typer.Option(None, "--to", metavar="YYYY-MM[-DD]", help="Projektperiodens slut")
CofinancingOption = typer.Option(None, "--cofinancing", metavar="SEK",
                                 help="Kommunens medfinansiering, kronor")
DateOption = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                          help="Datum för steget om det var tidigare än i dag")
TextFormat = typer.Option("text", "--format", "-f", help="text eller json")


@cli_errors
@application_errors
def apply(
    ctx: typer.Context,
    item: str = typer.Argument(..., metavar="ITEM", help="Utlysningens id (monitor calls)"),
    committee: str = typer.Option(..., "--committee", help="Nämnden som äger projektet (id eller namn)"),
    note: str = typer.Option("", "--note", help="Anteckning"),
    by: Optional[str] = ByOption,
    amount: Optional[str] = typer.Option(None, "--amount", metavar="SEK",
                                         help="Planerat belopp att söka, kronor"),
    partner: List[str] = PartnerOption,
    country: List[str] = CountryOption,
    on: Optional[str] = DateOption,
    project: Optional[str] = ProjectOption,
    start: Optional[str] = FromOption,
    end: Optional[str] = ToOption,
    cofinancing: Optional[str] = CofinancingOption,
    fmt: str = TextFormat,
) -> None:
    """Registrera att en nämnd avser att söka en utlysning (status: avsikt).

    Example: monitor apply junior-2027 --committee bun --partner Cesis --country LV
    """
    st = state(ctx)
    application = start_application(
        st.read_store, item, committee_of(st, committee), committees=committees(st.config),
        by=_who(st, by), note=note,
        amount=parse_amount(amount) if amount else None, partners=partner, countries=country,
        on=_day(on), tz=st.tz, now=st.now, details=_details(project, start, end, cofinancing))
    _warn_if_late(st, application)
    if fmt == "json":
        typer.echo(json.dumps(application.to_json(), ensure_ascii=False, indent=2))
        return
    console.print(t("applcli.recorded", st.lang, id=application.id,
                    status=status_label(application.status, st.lang),
                    committee=application.committee, title=application.title), markup=False)
    step = _next_step(st, application)
    if step:
        console.print(t("applcli.next", st.lang, step=step), markup=False)


@cli_errors
@application_errors
def application(
    ctx: typer.Context,
    app_id: str = typer.Argument(..., metavar="ID", help="Ansökans nummer"),
    status: Optional[str] = typer.Option(
        None, "--status", help=", ".join(STATUSES[1:])
        + " (ks-godkänd, inskickad, beviljad, avslagen, återkallad)"),
    amount: Optional[str] = typer.Option(None, "--amount", metavar="SEK",
                                         help="Sökt belopp, eller beviljat vid granted"),
    note: str = typer.Option("", "--note", help="Anteckning"),
    by: Optional[str] = ByOption,
    force: bool = typer.Option(False, "--force", help="Tillåt ett steg utanför reglerna"),
    reason: str = typer.Option("", "--reason", help="Skäl till --force (sparas)"),
    partner: List[str] = PartnerOption,
    country: List[str] = CountryOption,
    on: Optional[str] = DateOption,
    project: Optional[str] = ProjectOption,
    start: Optional[str] = FromOption,
    end: Optional[str] = ToOption,
    cofinancing: Optional[str] = CofinancingOption,
    ks_underlag: bool = typer.Option(False, "--ks-underlag",
                                     help="Skriv ett utkast till tjänsteskrivelse för KS-ärendet"),
    fmt: str = typer.Option("text", "--format", "-f",
                            help="text eller json; med --ks-underlag md eller docx"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Skriv KS-underlaget till fil"),
) -> None:
    """Visa en ansökan, eller för den vidare: ks-approved, submitted, granted, rejected,
    withdrawn. --reason med granted/rejected sparar finansiärens motivering (eller villkor).
    --ks-underlag skriver ett utkast till tjänsteskrivelse (md eller docx) för KS-ärendet.

    Example: monitor application 3 --status rejected --reason "Otydlig koppling till målen"
    Example: monitor application 3 --ks-underlag --format docx -o ks-underlag-3.docx
    """
    st = state(ctx)
    current = get_application(st.read_store, app_id)
    if status is not None:
        status = choose("--status", status, APPLICATION_STATUSES, shown=STATUSES[1:])
    details = _details(project, start, end, cofinancing)
    if status is None and (amount or note or partner or country or details):
        status = current.status  # only adding details to the current step
    if status is not None:
        updated = advance_application(
            st.store, current.id, status, by=_who(st, by), note=note,
            amount=parse_amount(amount) if amount else None, force=force, reason=reason,
            partners=partner, countries=country, on=_day(on), tz=st.tz, now=st.now,
            details=details)
        if fmt != "json" and updated.status != current.status:
            last = updated.history[-1]
            console.print(t("applcli.moved", st.lang, id=updated.id,
                            old=status_label(current.status, st.lang),
                            new=status_label(updated.status, st.lang), by=last.by,
                            date=format_date(last.at, st.tz)), markup=False)
        current = updated
    if ks_underlag:
        _write_ks_draft(st, current, fmt, output)
        return
    if fmt == "json":
        typer.echo(json.dumps(current.to_json(), ensure_ascii=False, indent=2))
        return
    _print_application(st, current)


def _write_ks_draft(st: State, current: Application, fmt: str, output: Optional[Path]) -> None:
    fmt = "md" if fmt == "text" else fmt
    fmt = choose("--format", fmt, {"md": "md", "docx": "docx"})
    if fmt == "docx" and output is None:
        raise UsageError("--format", fmt, reason="usage.needs_output")
    item, now = st.store.get_item(current.item_id), st.now
    blocks = ks_draft(current, item, committee=committees(st.config)[current.committee],
                      priorities=priorities(st.config), meetings=meetings(st.config, st.store),
                      org=organisation(st.config), now=now, lang=st.lang,
                      earlier=earlier_for_row(st.store, item, st.lang, st.tz, now,
                                              next_round=False) if item else [])
    if fmt == "md" and output is None:
        typer.echo(to_markdown(blocks), nl=False)
        return
    assert output is not None
    if fmt == "md":
        output.write_text(to_markdown(blocks), encoding="utf-8")
    else:
        output.write_bytes(to_docx(blocks))
    err.print(t("applcli.draft_written", st.lang, path=output), markup=False)


@cli_errors
@application_errors
def applications(
    ctx: typer.Context,
    committee: Optional[str] = typer.Option(None, "--committee", help="Nämndens id"),
    year: Optional[int] = typer.Option(None, "--year", help="Ansökningar med något steg det året"),
    status: List[str] = typer.Option([], "--status", help=", ".join(STATUSES)),
    fmt: str = SheetFormatOption,
    output: Optional[Path] = OutputOption,
) -> None:
    """Ansökningar med status, belopp och nästa steg.

    Example: monitor applications --committee bun --year 2026 --format json
    """
    st = state(ctx)
    fmt = check_format(fmt, SHEET_FORMATS)
    status = choose_all("--status", status, APPLICATION_STATUSES)
    found = list_applications(st.read_store, committee=committee_of(st, committee),
                              year=check_year("--year", year), statuses=status, tz=st.tz)
    rows = [a.to_json() | {"next_step": _next_step(st, a)} for a in found]
    lang = st.lang
    columns = [("id", "#"), ("committee", t("applcli.col_committee", lang)),
               ("status", t("col_status", lang)), ("title", t("col_title", lang)),
               ("amounts", t("applcli.col_amounts", lang)),
               ("next_step", t("applcli.col_next", lang)),
               ("updated", t("applcli.col_updated", lang))]
    if fmt == "xlsx":
        _applications_sheet(st, found, rows, output)
        return
    if fmt == "csv":  # history and lists flattened for a spreadsheet
        columns = [(k, k) for k in ("id", "item", "title", "committee", "status", "created",
                                    "updated", "amount_applied", "amount_granted", "partners",
                                    "countries", "next_step")]

    def cells(row: dict[str, Any]) -> list[str]:
        amounts = "\n".join(_money(row[key], lang) for key in ("amount_applied", "amount_granted")
                             if row[key] is not None)
        return [str(row["id"]), row["committee"], status_label(row["status"], lang),
                row["title"], amounts, row["next_step"], format_date(row["updated"], st.tz)]
    emit(rows, fmt, columns=columns, table_rows=cells, empty=t("applcli.none", lang),
         no_wrap=("id", "committee", "updated", "amounts"), narrow_widths={"status": 10})


def _applications_sheet(st: State, found: list[Application], rows: list[dict[str, Any]],
                        output: Optional[Path]) -> None:
    lang, tz = st.lang, st.tz
    headers = ["#", t("applcli.col_committee", lang), t("col_status", lang),
               t("col_title", lang), t("col_programme", lang), t("col_id", lang),
               t("applcli.col_applied", lang) + " (kr)", t("applcli.col_granted", lang) + " (kr)",
               t("applcli.partners", lang), t("applcli.countries", lang),
               t("applcli.col_created", lang), t("applcli.col_updated", lang),
               t("applcli.col_next", lang)]
    cells = [[a.id, a.committee, status_label(a.status, lang), a.title, a.programme,
              a.item_id, a.amount_applied, a.amount_granted, a.partners, a.countries,
              a.created.astimezone(tz).date(), a.updated.astimezone(tz).date(),
              row["next_step"]] for a, row in zip(found, rows)]
    write_sheet(output, headers, cells, lang=lang, sheet=t("applcli.sheet", lang))


def _money(value: Any, lang: str) -> str:
    return "" if value is None else money(value, lang)
