"""``monitor sources list|status|kinds|test``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

import typer

from ..eligibility import reason_text as eligibility_reason
from ..health import reason_text, source_health
from ..i18n import add_messages, format_datetime, t
from ..matchers import build_tagger
from ..model import Item, to_iso
from ..sources import registry
from .common import FormatOption, app, cli_errors, console, emit, state
from .eligibility_text import item_eligibility
from .usage import UsageError, resolve_sources

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
})

CONTENT_TYPES = {".json": "application/json", ".xml": "application/xml",
                 ".rss": "application/rss+xml", ".atom": "application/atom+xml",
                 ".html": "text/html", ".htm": "text/html"}
CANONICAL_RE = re.compile(rb"<link[^>]+rel=[\"']canonical[\"'][^>]*href=[\"']([^\"']+)", re.I)

sources_app = typer.Typer(help="Källor: konfiguration, status och typer.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


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

    En källa som hämtas utan fel men ger noll poster flera gånger i rad (degraded_after,
    standard 3) visas som försämrad, med orsaken.

    Example: monitor sources status
    """
    st = state(ctx)
    store, lang, tz = st.read_store, st.lang, st.tz
    last = store.last_polls()
    health = source_health(store)
    rows = []
    for source in st.config.sources:
        poll = last.get(source.name) or {}
        rows.append({"name": source.name, "enabled": source.enabled,
                     "last_poll": poll.get("finished") or poll.get("started"),
                     "outcome": poll.get("outcome"), "http_status": poll.get("http_status"),
                     "items_parsed": poll.get("items_parsed"),
                     "items_stored": store.count_items(source.name),
                     "error": poll.get("error"),
                     "health": (health.get(source.name) or {}).get("state", "ok"),
                     "health_reason": reason_text(health.get(source.name), lang),
                     "health_since": (health.get(source.name) or {}).get("since")})
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


@sources_app.command("kinds")
def kinds() -> None:
    """Källtyper som kan användas i sources.toml, med dokumentation och nycklar.

    Example: monitor sources kinds
    """
    for cls in registry:
        console.rule(cls.kind)
        console.print(cls.description(), markup=False, highlight=False)
        if cls.options:
            keys = ", ".join(f"{k} ({spec.type_name()})" for k, spec in cls.options.items())
            console.print(f"Nycklar / keys: {keys}", markup=False, highlight=False)


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
