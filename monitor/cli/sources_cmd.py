"""``monitor sources list|status|kinds``."""

from __future__ import annotations

import typer

from ..i18n import format_datetime, t
from ..sources import registry
from .common import FormatOption, app, cli_errors, console, emit, state

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
    """Senaste hämtning per källa: tid, utfall, HTTP-status, antal poster och fel.

    Example: monitor sources status
    """
    st = state(ctx)
    store, lang, tz = st.store, st.lang, st.tz
    last = store.last_polls()
    rows = []
    for source in st.config.sources:
        poll = last.get(source.name) or {}
        rows.append({"name": source.name, "enabled": source.enabled,
                     "last_poll": poll.get("finished") or poll.get("started"),
                     "outcome": poll.get("outcome"), "http_status": poll.get("http_status"),
                     "items_parsed": poll.get("items_parsed"),
                     "items_stored": store.count_items(source.name),
                     "error": poll.get("error")})
    emit(rows, fmt, columns=[("name", "Namn" if lang == "sv" else "Name"),
                             ("last_poll", t("col_last_poll", lang)),
                             ("outcome", t("col_outcome", lang)),
                             ("items_stored", t("col_items", lang)),
                             ("error", t("col_error", lang))],
         table_rows=lambda r: [r["name"], format_datetime(r["last_poll"], tz) or t("never", lang),
                               r["outcome"] or "", str(r["items_stored"]), r["error"] or ""])


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
