"""``monitor sources list|status|kinds|test``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, List, Optional

import typer

from monitor.cli._kinds import print_kinds
from monitor.cli.common import EXIT_FAILED, FormatOption, cli_errors, console, emit, state
from monitor.cli.eligibility_text import item_eligibility
from monitor.cli.usage import UsageError, resolve_sources
from monitor.config.settings import database_path
from monitor.matchers import build_tagger
from monitor.model import Item, to_iso
from monitor.pipeline.check import check_sources, dated_folder
from monitor.pipeline.health import source_status
from monitor.sources import registry
from monitor.store.eligibility import reason_text as eligibility_reason
from monitor.text.i18n import add_messages, format_datetime, t

add_messages({
    "col_dates": {"sv": "Datum (text)", "en": "Dates (text)"},
    "col_ministry": {"sv": "Departement", "en": "Ministry"},
    "sources_test_count": {"sv": "{n} poster tolkade ur {file} ({source}, typ {kind}), "
                                 "läst som {url}",
                           "en": "{n} items parsed from {file} ({source}, kind {kind}), "
                                 "read as {url}"},
    "sources_test_none": {
        "sv": "Inga poster hittades i {file}. Kontrollera källans nycklar (monitor sources "
              "kinds) mot sidans uppbyggnad.",
        "en": "No items found in {file}. Check the source's keys (monitor sources kinds) "
              "against the page's structure."},
    "check_col_http": {"sv": "HTTP", "en": "HTTP"},
    "check_col_dated": {"sv": "Med sista dag", "en": "With deadline"},
    "check_col_tagged": {"sv": "Taggade", "en": "Tagged"},
    "check_col_problems": {"sv": "Ser fel ut", "en": "Looks wrong"},
    "check_recorded": {"sv": "Alla svar sparade i {folder} (spela upp: monitor poll --replay "
                             "{folder})",
                       "en": "Every response saved in {folder} (replay: monitor poll --replay "
                             "{folder})"},
    "check_summary": {"sv": "{ok} av {total} källor ser bra ut, {problems} behöver ses över.",
                      "en": "{ok} of {total} sources look fine, {problems} need a look."},
})

CONTENT_TYPES = {".json": "application/json", ".xml": "application/xml",
                 ".rss": "application/rss+xml", ".atom": "application/atom+xml",
                 ".html": "text/html", ".htm": "text/html"}
CANONICAL_RE = re.compile(rb"<link[^>]+rel=[\"']canonical[\"'][^>]*href=[\"']([^\"']+)", re.I)

sources_app = typer.Typer(help="Källor: konfiguration, status och typer.", no_args_is_help=True)


@sources_app.command("list")
@cli_errors
def list_sources(ctx: typer.Context, fmt: str = FormatOption) -> None:
    """Konfigurerade källor med typ och adress.

    Example: monitor sources list --format json
    """
    st = state(ctx)
    lang = st.lang
    rows = [{"name": s.name, "kind": s.kind, "url": s.url, "enabled": s.enabled,
             "description": s.get("description", "")} for s in st.config.sources]
    emit(rows, fmt, columns=[("name", "Namn" if lang == "sv" else "Name"),
                             ("kind", t("col_kind", lang)), ("enabled", t("col_enabled", lang)),
                             ("url", t("col_url", lang))],
         table_rows=lambda r: [r["name"], r["kind"], t("yes" if r["enabled"] else "no", lang),
                               r["url"]])


@sources_app.command("status")
@cli_errors
def status(ctx: typer.Context, fmt: str = FormatOption) -> None:
    """Senaste hämtning per källa: tid, utfall, antal poster, hälsa och fel.

    En källa som inte kan hämtas flera gånger i rad (failing_after, standard 3) eller inte
    hämtats med lyckat resultat på failing_days dagar visas som "fungerar inte"; en som
    hämtas utan fel men ger noll poster flera gånger i rad (degraded_after) som försämrad; en
    vars poster plötsligt saknar sista dag som "kontrollera tolkningen". Orsaken visas.

    Example: monitor sources status
    """
    st = state(ctx)
    store, lang, tz = st.read_store, st.lang, st.tz
    rows = source_status(st.config, store, lang)
    emit(rows, fmt, columns=[("name", "Namn" if lang == "sv" else "Name"),
                             ("last_poll", t("col_last_poll", lang)),
                             ("outcome", t("col_outcome", lang)),
                             ("items_stored", t("col_items", lang)),
                             ("health", t("col_health", lang)),
                             ("error", t("col_error", lang))],
         table_rows=lambda r: [r["name"], format_datetime(r["last_poll"], tz) or t("never", lang),
                               r["outcome"] or "", str(r["items_stored"]),
                               _health_cell(r, lang), r["error"] or ""])


def _health_cell(row: dict[str, Any], lang: str) -> str:
    label = t(f"health_{row['health']}", lang)
    return f"{label}: {row['health_reason']}" if row["health_reason"] else label


@sources_app.command("check")
@cli_errors
def check(
    ctx: typer.Context,
    source: List[str] = typer.Option([], "--source", help="Bara denna källa (flera går)"),
    into: Optional[Path] = typer.Option(None, "--into", metavar="DIR",
                                        help="Spara svaren i en daterad mapp under DIR "
                                             "(standard: checks/ bredvid databasen)"),
    fmt: str = FormatOption,
) -> None:
    """Hämta varje källa live en gång och visa vad som ser fel ut, utan att spara poster.

    Per källa: HTTP-status, antal poster, poster med sista dag, poster taggade till en nämnd,
    och problem (fel, 0 poster, inga sista dagar, bara passerade datum, flyttad adress). Alla
    svar sparas i en daterad mapp som kan spelas upp med monitor poll --replay. Exit 3 när
    någon källa inte kunde hämtas.

    Example: monitor sources check --source esf --source vinnova
    """
    st = state(ctx)
    lang, config = st.lang, st.config
    now = st.now
    base = into or database_path(config, st.db).parent / "checks"
    folder = dated_folder(base, now, st.tz)
    reports = check_sources(config, folder=folder, names=resolve_sources(config, source),
                            now=now, lang=lang)
    rows = [{"name": r.source, "kind": r.kind, "http_status": r.http_status, "items": r.items,
             "with_deadline": r.with_deadline, "tagged": r.tagged, "error": r.error,
             "problems": r.problems} for r in reports]
    emit(rows, fmt, columns=[("name", "Namn" if lang == "sv" else "Name"),
                             ("http_status", t("check_col_http", lang)),
                             ("items", t("col_items", lang)),
                             ("with_deadline", t("check_col_dated", lang)),
                             ("tagged", t("check_col_tagged", lang)),
                             ("problems", t("check_col_problems", lang))],
         table_rows=lambda r: [r["name"], str(r["http_status"] or "–"), str(r["items"]),
                               str(r["with_deadline"]), str(r["tagged"]),
                               "; ".join(r["problems"]) or "ok"])
    if fmt.lower() == "table":
        troubled = sum(1 for r in reports if r.problems)
        console.print(t("check_recorded", lang, folder=folder), markup=False,
                      highlight=False, soft_wrap=True)
        console.print(t("check_summary", lang, ok=len(reports) - troubled,
                        total=len(reports), problems=troubled), markup=False, highlight=False)
    if any(r.failed for r in reports):
        raise typer.Exit(EXIT_FAILED)


@sources_app.command("kinds")
def kinds(ctx: typer.Context) -> None:
    """Källtyper som kan användas i sources.toml, med dokumentation och nycklar.

    Example: monitor sources kinds
    """
    print_kinds(registry, state(ctx).lang)


@sources_app.command("test")
@cli_errors
def test(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="Källans namn i sources.toml"),
    file: Path = typer.Option(..., "--file", metavar="SAVED",
                              help="Ett sparat svar: listsida, detaljsida eller API-sida"),
    url: Optional[str] = typer.Option(None, "--url", metavar="URL",
                                      help="Adressen filen hämtades från (annars sidans "
                                           "canonical-länk, annars källans url)"),
    fmt: str = FormatOption,
) -> None:
    """Tolka ett sparat svar med en källas inställningar och visa posterna, utan nätverk.

    Så rättas selektorer efter att en webbplats gjorts om: spara sidan, ändra sources.toml,
    kör om. Visar titel, länk, datum med texten de lästes ur och (för remisser) departement.

    Example: monitor sources test regeringen-remisser --file remiss.html --format json
    """
    st = state(ctx)
    lang = st.lang
    [name] = resolve_sources(st.config, [name], option="NAME")
    config = st.config.source(name)
    try:
        body = file.read_bytes()
    except OSError:
        raise UsageError("--file", str(file), reason="usage.not_path") from None
    source = registry.get(config.kind)(config, st.config.settings, now=st.now)
    page_url = url or _canonical(body) or config.url
    items = source.check_items(source.test_parse(
        body, url=page_url, content_type=CONTENT_TYPES.get(file.suffix.lower(), "")))
    tagger = build_tagger(st.config)
    rows = [{**_test_row(item), **item_eligibility(tagger, item)} for item in items]
    if fmt.lower() == "table":
        console.print(t("sources_test_count" if rows else "sources_test_none", lang,
                        n=len(rows), file=file, source=name, kind=config.kind, url=page_url),
                      markup=False, highlight=False, soft_wrap=True)
        for row in rows:
            _print_record(row, lang, st.tz)
        return
    columns = [(key, key) for key in ("title", "url", "ministry", "published", "opens",
                                      "deadlines", "dates")]
    if fmt.lower() == "csv":  # one cell per list: the dates as "role: text"
        rows = [{**r, "dates": [f"{d['role']}: {d['text']}" for d in r["dates"]]} for r in rows]
    emit(rows, fmt, columns=columns)


def _print_record(row: dict[str, Any], lang: str, tz: Any) -> None:
    """One parsed item as lines, long texts unbroken: easier to read than a wrapped table."""
    fields = [("col_url", row["url"]), ("col_ministry", row.get("ministry")),
              ("col_programme", row.get("programme")),
              ("col_published", format_datetime(row["published"], tz, with_time=False)),
              ("col_opens", format_datetime(row["opens"], tz)),
              ("col_deadline", ", ".join(format_datetime(d, tz) for d in row["deadlines"])),
              ("show_regions", ", ".join(row.get("regions") or ())),
              ("eligibility_not", eligibility_reason(row, lang))]
    lines = ["", row["title"]]
    lines += [f"  {t(key, lang)}: {value}" for key, value in fields if value]
    if row["dates"]:
        lines.append(f"  {t('col_dates', lang)}:")
        lines += [f"    {d['role']}{' ~' if d.get('approximate') else ''} "
                  f"{format_datetime(d['when'], tz)}: {d['text']}" for d in row["dates"]]
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def _canonical(body: bytes) -> str | None:
    match = CANONICAL_RE.search(body[:20000])
    return match.group(1).decode("utf-8", "replace") if match else None


def _test_row(item: Item) -> dict[str, Any]:
    """An item as ``sources test`` shows it: the fields a selector fix is checked against."""
    row = {"id": item.id, "kind": item.kind, "title": item.title, "url": item.url,
           "programme": item.programme, "published": to_iso(item.published),
           "opens": to_iso(item.opens), "deadlines": [to_iso(d) for d in item.deadlines],
           "dates": item.extra.get("dates", []), "summary": item.summary[:300]}
    for key, value in item.extra.items():
        row.setdefault(key, value)
    return row
