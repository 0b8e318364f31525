"""``monitor activity`` and ``monitor activities``: the international activities register
(visits, exchanges, partnerships, projects, networks, received visits)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, List, Optional

import typer

from monitor.cli.applications_cmd import (CountryOption, PartnerOption, application_errors,
                                          committee_of)
from monitor.cli.common import FormatOption, State, cli_errors, console, emit, state
from monitor.cli.usage import UsageError, check_year, choose
from monitor.config.committees import committees
from monitor.config.organisation import organisation
from monitor.decisions.activities import (KINDS, Activity, add_activity, get_activity, kind_label,
                                          list_activities, mark_reported)
from monitor.paperwork.ks_draft import partner_text
from monitor.text.i18n import add_messages, t
from monitor.text.longdates import long_day, period_text

add_messages({
    "actcli.recorded": {"sv": "Aktivitet {id} registrerad: {kind}, {committee}, {title}.",
                        "en": "Activity {id} recorded: {kind}, {committee}, {title}."},
    "actcli.reported": {"sv": "Aktivitet {id} redovisad för KS {date}.",
                        "en": "Activity {id} reported to KS on {date}."},
    "actcli.needs_report": {"sv": "Vänortsbesöket är inte redovisat för KS än.",
                            "en": "The twinning visit has not been reported to KS yet."},
    "actcli.none": {"sv": "Inga aktiviteter matchar.", "en": "No activities match."},
    "actcli.col_kind": {"sv": "Typ", "en": "Kind"},
    "actcli.col_period": {"sv": "Period", "en": "Period"},
    "actcli.col_partners": {"sv": "Partner (land)", "en": "Partners (country)"},
    "actcli.col_funding": {"sv": "Finansiering", "en": "Funding"},
    "actcli.col_reported": {"sv": "Redovisad för KS", "en": "Reported to KS"},
    "actcli.add_needs": {"sv": "monitor activity add kräver {missing}.",
                         "en": "monitor activity add needs {missing}."},
    "actcli.not_with_add": {"sv": "--reported-to-ks gäller en befintlig aktivitet: monitor "
                                  "activity ID --reported-to-ks ÅÅÅÅ-MM-DD.",
                            "en": "--reported-to-ks is for an existing activity: monitor "
                                  "activity ID --reported-to-ks YYYY-MM-DD."},
})


def _reported(activity: Activity, lang: str) -> str:
    if activity.reported_to_ks:
        return activity.reported_to_ks.isoformat()
    return t("no", lang) if activity.is_visit else ""


def _print(st: State, activity: Activity) -> None:
    lang = st.lang
    console.print(f"#{activity.id} {activity.title}", markup=False, style="bold")
    console.print(f"{kind_label(activity.kind, lang)} · {activity.committee}"
                  + (f" · {period_text(activity.period_from, activity.period_to, lang)}"
                     if activity.period_from or activity.period_to else ""), markup=False)
    for key, value in (("actcli.col_partners", partner_text(list(activity.pairs), [], lang)),
                       ("actcli.col_funding", activity.funding), ("ks.note", activity.note)):
        if value:
            console.print(f"{t(key, lang)}: {value}", markup=False)
    if activity.reported_to_ks:
        console.print(t("actcli.reported", lang, id=activity.id,
                        date=long_day(activity.reported_to_ks, lang)), markup=False)
    elif activity.needs_report:
        console.print(t("actcli.needs_report", lang), markup=False)


@cli_errors
@application_errors
def activity(
    ctx: typer.Context,
    target: str = typer.Argument(..., metavar="add|ID",
                                 help="add för en ny aktivitet, annars aktivitetens nummer"),
    committee: Optional[str] = typer.Option(None, "--committee", help="Nämnden (vid add)"),
    kind: Optional[str] = typer.Option(None, "--kind", help=", ".join(KINDS)),
    title: Optional[str] = typer.Option(None, "--title", help="Vad aktiviteten är"),
    partner: List[str] = PartnerOption,
    country: List[str] = CountryOption,
    start: Optional[str] = typer.Option(None, "--from", metavar="YYYY-MM[-DD]", help="Start"),
    end: Optional[str] = typer.Option(None, "--to", metavar="YYYY-MM[-DD]", help="Slut"),
    funding: str = typer.Option("", "--funding", help="Finansiering, t.ex. ESF"),
    note: str = typer.Option("", "--note", help="Anteckning"),
    by: Optional[str] = typer.Option(None, "--by", help="Vem som registrerar (standard: "
                                     "samordnaren)"),
    reported: Optional[str] = typer.Option(None, "--reported-to-ks", metavar="YYYY-MM-DD",
                                           help="Dagen besöket redovisades för KS"),
    fmt: str = typer.Option("text", "--format", "-f", help="text eller json"),
) -> None:
    """Registrera en internationell aktivitet (add), visa en, eller anteckna att ett
    vänortsbesök redovisats för KS.

    Example: monitor activity add --committee kfn --kind visit --title "Körresa till Cesis" --partner Cēsis --country LV --from 2016-05
    Example: monitor activity 4 --reported-to-ks 2016-09-20
    """
    st = state(ctx)
    if target == "add":
        if reported:
            raise UsageError("--reported-to-ks", reported, reason="actcli.not_with_add")
        if kind:  # the English id or the Swedish word (besök, utbyte ...)
            kind = choose("--kind", kind, {**{k: k for k in KINDS},
                                           **{kind_label(k, "sv"): k for k in KINDS}}, KINDS)
        missing = [o for o, v in (("--committee", committee), ("--kind", kind),
                                  ("--title", title)) if not v]
        if missing:
            raise UsageError("", "", reason="actcli.add_needs", missing=", ".join(missing))
        found = add_activity(st.store, committee=committee_of(st, committee) or "",
                             committees=committees(st.config), kind=kind or "",
                             title=title or "", by=by or organisation(st.config).coordinator,
                             partners=partner, countries=country, period_from=start,
                             period_to=end, funding=funding, note=note, now=st.now)
        if fmt != "json":
            console.print(t("actcli.recorded", st.lang, id=found.id,
                            kind=kind_label(found.kind, st.lang), committee=found.committee,
                            title=found.title), markup=False)
    elif reported:
        try:
            day = date.fromisoformat(reported)
        except ValueError:
            raise UsageError("--reported-to-ks", reported, reason="usage.malformed",
                             expected="YYYY-MM-DD") from None
        found = mark_reported(st.store, target, day, today=st.now.astimezone(st.tz).date())
        if fmt != "json":
            console.print(t("actcli.reported", st.lang, id=found.id,
                            date=long_day(day, st.lang)), markup=False)
    else:
        found = get_activity(st.read_store, target)
    if fmt == "json":
        typer.echo(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
    elif target != "add" and not reported:
        _print(st, found)


@cli_errors
@application_errors
def activities(
    ctx: typer.Context,
    year: Optional[int] = typer.Option(None, "--year", help="Aktiviteter under det året"),
    committee: Optional[str] = typer.Option(None, "--committee", help="Nämndens id"),
    fmt: str = FormatOption,
) -> None:
    """Internationella aktiviteter: typ, period, partner med land, finansiering, och om ett
    vänortsbesök är redovisat för KS.

    Example: monitor activities --year 2016 --committee kfn
    """
    st = state(ctx)
    lang = st.lang
    found = list_activities(st.read_store, year=check_year("--year", year),
                            committee=committee_of(st, committee))
    rows = [a.to_json() for a in found]
    columns = [("id", "#"), ("committee", t("applcli.col_committee", lang)),
               ("kind", t("actcli.col_kind", lang)), ("title", t("col_title", lang)),
               ("period", t("actcli.col_period", lang)),
               ("partners", t("actcli.col_partners", lang)),
               ("funding", t("actcli.col_funding", lang)),
               ("reported_to_ks", t("actcli.col_reported", lang))]
    by_id = {a.id: a for a in found}

    def cells(row: dict[str, Any]) -> list[str]:
        a = by_id[row["id"]]
        return [str(a.id), a.committee, kind_label(a.kind, lang), a.title,
                f"{a.period_from or ''}–{a.period_to or ''}" if a.period_from or a.period_to
                else "", partner_text(list(a.pairs), [], lang), a.funding, _reported(a, lang)]
    if fmt.lower() == "csv":
        for row in rows:
            row["partners"] = [f"{p['partner']} ({p['country']})" if p["country"]
                               else p["partner"] for p in row["partners"]]
        columns = [(k, k) for k in ("id", "committee", "kind", "title", "from", "to",
                                    "partners", "funding", "note", "reported_to_ks")]
    emit(rows, fmt, columns=columns, table_rows=cells, empty=t("actcli.none", lang),
         no_wrap=("id", "committee"))
