"""``monitor calls``, ``monitor legislation`` and ``monitor show``."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, List, Optional

import typer
from rich.text import Text

from monitor.cli.common import (SHEET_FORMATS, OutputOption, SheetFormatOption, State, check_format,
                                cli_errors, console, emit, err, state, write_sheet)
from monitor.cli.eligibility_text import correction_lines, eligibility_lines
from monitor.cli.usage import (CALL_STATUSES, check_not_negative, choose_all, resolve_committee,
                               resolve_priority, resolve_sources)
from monitor.config.committees import committees
from monitor.decisions.decide_by import decide_by_cell, timeline_for_row
from monitor.decisions.earlier import earlier_for_row
from monitor.decisions.meetings import meetings
from monitor.decisions.timeline_text import late_line, timeline_lines
from monitor.digests.decision_steps import meeting_note
from monitor.model import CALL, LEGISLATION, STATUSES, from_iso
from monitor.store.listing import JSON_FIELDS, item_json, list_items, public_row
from monitor.store.rows import ItemQuery, StoredItem
from monitor.text.i18n import add_messages, format_date, format_datetime, t

add_messages({
    "col_priorities": {"sv": "Prioriterade områden", "en": "Priority areas"},
    "col_summary": {"sv": "Sammanfattning", "en": "Summary"},
    "col_title_more": {"sv": "Titel · program · nämnder", "en": "Title · programme · committees"},
    "col_handle": {"sv": "Kort id", "en": "Handle"},
    "sheet_calls": {"sv": "Utlysningar", "en": "Calls"},
    "sheet_legislation": {"sv": "Lagstiftning", "en": "Legislation"},
})


def _status(row: StoredItem, lang: str) -> str:
    return t(f"status_{row.status}", lang) if row.status in STATUSES else ""


def _local(value: str | None, tz: Any) -> datetime | date | None:
    """A stored UTC stamp as a local date (a day's deadline) or local time, for Excel."""
    when = from_iso(value)
    if when is None:
        return None
    local = when.astimezone(tz)
    if (local.hour, local.minute) in ((0, 0), (23, 59)):
        return local.date()
    return local.replace(tzinfo=None)


def _sheet(st: State, kind: str, rows: list[StoredItem], output: Optional[Path]) -> None:
    """``--format xlsx``: one row per item, Swedish or English headers."""
    lang, tz = st.lang, st.tz
    keys = ["col_id", "col_title", "col_programme", "col_status", "col_opens", "col_deadline",
            "show_deadlines", "decide.column", "col_committees", "col_priorities",
            "col_published", "col_source", "col_url", "col_summary"]
    if kind != CALL:
        keys = [k for k in keys if k not in ("col_status", "col_opens", "decide.column")]

    def cells(row: StoredItem) -> list[Any]:
        values = {"col_id": row.id, "col_title": row.title,
                  "col_programme": row.programme, "col_status": _status(row, lang),
                  "col_opens": _local(row.opens, tz),
                  "col_deadline": _local(row.deadline, tz),
                  "show_deadlines": [format_datetime(d, tz) for d in row.deadlines],
                  "decide.column": decide_by_cell(getattr(row, "decide_by", None), lang, tz=tz),
                  "col_committees": row.committees, "col_priorities": row.priorities,
                  "col_published": _local(row.published, tz), "col_source": row.source,
                  "col_url": row.url, "col_summary": row.summary}
        return [values[k] for k in keys]
    write_sheet(output, [t(k, lang) for k in keys], [cells(r) for r in rows], lang=lang,
                sheet=t("sheet_calls" if kind == CALL else "sheet_legislation", lang))


def _list_items(ctx: typer.Context, *, kind: str, fmt: str, limit: Optional[int],
                order: str, output: Optional[Path] = None, **filters: Any) -> None:
    st: State = state(ctx)
    fmt = check_format(fmt, SHEET_FORMATS)
    config = st.config
    filters["committee"] = resolve_committee(config, filters.get("committee"))
    filters["priority"] = resolve_priority(config, filters.get("priority"))
    filters["sources"] = resolve_sources(config, filters.get("sources", ()))
    store = st.read_store
    tz, lang, now = st.tz, st.lang, st.now
    rows = list_items(config, store, ItemQuery(kind=kind, order=order, limit=limit, **filters),
                      now=now, lang=lang)
    if kind == CALL:
        calendar = meetings(config, store)
        columns = [("handle", t("col_id", lang)), ("deadline", t("col_deadline", lang)),
                   ("status", t("col_status", lang)), ("decide_by", t("decide.column", lang)),
                   ("title", t("col_title_more", lang))]

        def cells(row: StoredItem) -> list[Any]:
            return [row.handle, format_datetime(row.deadline, tz), _status(row, lang),
                    decide_by_cell(row.decide_by, lang, tz=tz), _title_cell(row)]
    else:
        columns = [("handle", t("col_id", lang)), ("published", t("col_published", lang)),
                   ("deadline", t("col_deadline", lang)), ("title", t("col_title_more", lang))]

        def cells(row: StoredItem) -> list[Any]:
            return [row.handle, format_date(row.published or row.first_seen, tz),
                    format_datetime(row.deadline, tz), _title_cell(row)]
    if fmt == "xlsx":
        _sheet(st, kind, rows, output)
        return
    if fmt in ("json", "csv"):
        rows = [public_row(r) for r in rows]
        columns = [(k, k) for k in JSON_FIELDS]
    emit(rows, fmt, columns=columns, table_rows=cells, empty=t("no_items", lang),
         no_wrap=("handle", "deadline", "published", "status"), narrow_widths={"decide_by": 14})
    if fmt == "table":
        for row in rows:  # what the funder said about the committee's earlier applications
            for line in getattr(row, "earlier", ()):
                console.print(f"{row.handle}: {line}", markup=False, soft_wrap=True)
    if kind == CALL:  # decide-by rests on example dates or a calendar ending soon: say so
        note = meeting_note(calendar, now, lang, names={
            c: com.display_name(lang) for c, com in committees(st.config).items()})
        if note:
            (console if fmt == "table" else err).print(note, markup=False)


def _title_cell(row: StoredItem) -> Text:
    """The title, and under it the programme and committees: one wrapping column, so the
    table fits 80 columns however long the title."""
    cell = Text(row.title)
    more = " · ".join(part for part in (row.programme or "", ", ".join(row.committees))
                      if part)
    if more:
        cell.append("\n" + more, style="dim")
    return cell


@cli_errors
def calls(
    ctx: typer.Context,
    all_: bool = typer.Option(False, "--all", help="Även stängda utlysningar och de som "
                                                   "kommunen inte kan söka"),
    status: List[str] = typer.Option([], "--status",
                                     help="forthcoming, open, closed (kommande, öppen, stängd)"),
    source: List[str] = typer.Option([], "--source", help="Källans namn (flera går)"),
    programme: Optional[str] = typer.Option(None, "--programme", help="Program, del av namnet"),
    search: Optional[str] = typer.Option(None, "--search", help="Fritext i titel och text"),
    closing_within: Optional[float] = typer.Option(None, "--closing-within", metavar="DAYS",
                                                   help="Sista dag inom så många dagar"),
    committee: Optional[str] = typer.Option(None, "--committee",
                                            help="Nämndens id, namn eller början av namnet"),
    priority: Optional[str] = typer.Option(None, "--priority", help="Prioriterat område"),
    limit: Optional[int] = typer.Option(None, "--limit", min=1),
    fmt: str = SheetFormatOption,
    output: Optional[Path] = OutputOption,
) -> None:
    """Utlysningar som inte är stängda, närmast sista dag först.

    Example: monitor calls --closing-within 30 --search "digitalisering" --format json
    """
    _list_items(ctx, kind=CALL, fmt=fmt, limit=limit, order="deadline",
                statuses=choose_all("--status", status, CALL_STATUSES),
                include_closed=all_, sources=source, programme=programme, search=search,
                closing_within_days=check_not_negative("--closing-within", closing_within),
                committee=committee, priority=priority, output=output, eligible_only=not all_)


@cli_errors
def legislation(
    ctx: typer.Context,
    source: List[str] = typer.Option([], "--source", help="Källans namn (flera går)"),
    search: Optional[str] = typer.Option(None, "--search", help="Fritext i titel och text"),
    committee: Optional[str] = typer.Option(None, "--committee",
                                            help="Nämndens id, namn eller början av namnet"),
    priority: Optional[str] = typer.Option(None, "--priority", help="Prioriterat område"),
    limit: Optional[int] = typer.Option(None, "--limit", min=1),
    fmt: str = SheetFormatOption,
    output: Optional[Path] = OutputOption,
) -> None:
    """Lagstiftning, förslag och remisser, nyast först.

    Example: monitor legislation --search socialtjänst --limit 20
    """
    _list_items(ctx, kind=LEGISLATION, fmt=fmt, limit=limit, order="published", sources=source,
                search=search, committee=committee, priority=priority, output=output)


@cli_errors
def show(ctx: typer.Context, item_id: str = typer.Argument(..., metavar="ID"),
         fmt: str = typer.Option("text", "--format", "-f", help="text eller json"),
         verbose: bool = typer.Option(False, "--verbose", "-v",
                                      help="Visa poäng för varje tagg och belägg")) -> None:
    """En post med alla fält, ändringshistorik, taggar med motivering och hämtningar.

    Example: monitor show eu-funding:HORIZON-CL5-2026-09-D4-03
    """
    st = state(ctx)
    store, lang, tz = st.read_store, st.lang, st.tz
    row = store.get_item(item_id)
    if row is None:
        near = _near_ids(store, item_id)
        hint = t("usage.did_you_mean", lang, choices=", ".join(near)) if near else ""
        err.print(t("item_not_found", lang, id=item_id) + hint, markup=False, soft_wrap=True)
        raise typer.Exit(1)
    if fmt == "json":
        out = item_json(store, row, lang=lang, tz=tz, now=st.now)
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    history = store.history(row.id)
    first, last = store.poll(row.first_poll), store.poll(row.last_poll)
    lines = [Text(row.title, style="bold"), Text(row.url or "")]
    fields = [("col_id", row.id), ("col_kind", row.kind),
              ("col_programme", row.programme), ("col_status", _status(row, lang)),
              ("col_opens", format_datetime(row.opens, tz)),
              ("col_deadline", format_datetime(row.deadline, tz)),
              ("col_published", format_date(row.published, tz)),
              ("col_committees", ", ".join(row.committees)),
              ("show_regions", ", ".join(row.regions))]
    lines += [Text(f"{t(key, lang)}: {value}") for key, value in fields if value]
    lines.append(Text(f"{t('col_handle', lang)}: {row.handle}"))
    lines += eligibility_lines(row, lang)
    if len(row.deadlines) > 1:
        shown = ", ".join(format_datetime(d, tz) for d in row.deadlines)
        lines.append(Text(f"{t('show_deadlines', lang)}: {shown}"))
    if row.summary:
        lines += [Text(""), Text(row.summary)]
    earlier = earlier_for_row(store, row, lang, tz, st.now)
    if earlier:
        lines += [Text("")] + [Text(line, style="bold") for line in earlier]
    lines += _timeline_text(st, row, lang)
    lines += [Text(""), Text(t("show_tags", lang), style="bold")]
    if row.tags:
        for tag in row.tags:  # the full evidence; the points only with --verbose
            score = f" ({tag['score']:.2f})" if verbose else ""
            evidence = tag["evidence"] if verbose else [
                re.sub(r" \([+-][\d.]+(, fallback)?\)$", "", e) for e in tag["evidence"]]
            lines.append(Text(f"  {tag['dimension']}:{tag['tag']}{score} — "
                              + "; ".join(evidence)))
    else:
        lines.append(Text("  " + t("show_no_tags", lang)))
    corrected = correction_lines(row, lang)
    lines += [Text(""), *corrected] if corrected else []
    lines += [Text(""), Text(t("show_history", lang), style="bold")]
    if history:
        for change in history:
            lines.append(Text(f"  {format_datetime(change['changed_at'], tz)}  {change['field']}: "
                              f"{change['old']} → {change['new']}"))
    else:
        lines.append(Text("  " + t("show_no_history", lang)))
    lines += [Text(""), Text(t("show_provenance", lang), style="bold")]
    lines.append(Text("  " + t("show_first_seen", lang, time=format_datetime(row.first_seen, tz),
                                poll=_poll_label(first))))
    lines.append(Text("  " + t("show_last_seen", lang, time=format_datetime(row.last_seen, tz),
                                poll=_poll_label(last))))
    for line in lines:
        console.print(line)


def _near_ids(store: Any, wanted: str) -> list[str]:
    """Up to three stored items whose id, source's own id or handle is close to ``wanted``
    (shown by their handle: the way to type them)."""
    import difflib
    by_name: dict[str, str] = {}
    for ident, handle in store.item_names():
        for name in (ident, ident.split(":", 1)[-1], handle or ""):
            by_name.setdefault(name.lower(), handle or ident)
    close = difflib.get_close_matches(wanted.lower(), list(by_name), n=3, cutoff=0.75)
    return list(dict.fromkeys(by_name[name] for name in close))


def _timeline_text(st: State, row: StoredItem, lang: str) -> list[Text]:
    """The call's decision steps and what is late, as the digest shows them."""
    calendar = meetings(st.config, st.read_store)
    line = timeline_for_row(row, calendar, now=st.now)
    if line is None:
        return []
    names = {c: com.display_name(lang) for c, com in committees(st.config).items()}
    late = late_line(line, lang, names, st.tz, board=calendar.board)
    return [Text(""), Text(t("timeline.heading", lang), style="bold"),
            *(Text("  " + step) for step in timeline_lines(line, lang, names, st.tz)),
            *([Text("  " + late)] if late else [])]


def _poll_label(poll: dict[str, Any] | None) -> str:
    if poll is None:
        return "-"
    status = f", HTTP {poll['http_status']}" if poll.get("http_status") else ""
    return f"#{poll['id']} {poll['source']} {poll['outcome'] or ''}{status}"
