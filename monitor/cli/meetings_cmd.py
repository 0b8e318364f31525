"""``monitor meetings``: the meeting dates in force for every body, and where each came from."""

from __future__ import annotations

from typing import Any, Optional

import typer

from monitor.cli.common import FormatOption, cli_errors, console, emit, err, state
from monitor.cli.usage import resolve_committee
from monitor.config.committees import committees
from monitor.decisions.meeting_sources import refresh_meetings
from monitor.decisions.meetings import meetings
from monitor.digests.decision_steps import meeting_note
from monitor.text.i18n import add_messages, t

add_messages({
    "col_body": {"sv": "Organ", "en": "Body"},
    "col_meeting": {"sv": "Sammanträde", "en": "Meeting"},
    "col_handin": {"sv": "Ärendet in senast", "en": "Matter in by"},
    "col_origin": {"sv": "Källa", "en": "Source"},
    "meetings_example": {"sv": "exempeldatum i {file}", "en": "example dates in {file}"},
    "meetings_none": {"sv": "Inga sammanträden i {file}.", "en": "No meetings in {file}."},
    "meetings_refreshed": {"sv": "{n} kalendrar hämtade.", "en": "{n} calendars fetched."},
})


@cli_errors
def meetings_command(
    ctx: typer.Context,
    committee: Optional[str] = typer.Option(None, "--committee", "-c", help="Bara detta organ (id eller namn)"),
    past: bool = typer.Option(False, "--past", help="Även sammanträden som har varit"),
    refresh: bool = typer.Option(False, "--refresh",
                                 help="Hämta kalendrarna (url i meetings.toml) först"),
    fmt: str = FormatOption,
) -> None:
    """Sammanträdesdatum som gäller för varje organ och varifrån vart och ett kommer.

    Example: monitor meetings --committee ks
    """
    st = state(ctx)
    lang, now = st.lang, st.now
    committee = resolve_committee(st.config, committee)  # id, name or a unique beginning
    if refresh:
        updated, errors = refresh_meetings(st.config, st.store, now=now)
        for error in errors:
            err.print(f"{t('error', lang)}: {error}", markup=False)
        console.print(t("meetings_refreshed", lang, n=updated), markup=False)
    calendar = meetings(st.config, st.store if refresh else st.store_or_empty)
    names = {c: com.display_name(lang) for c, com in committees(st.config).items()}
    today = now.astimezone(calendar.tz).date()
    where = calendar.file.name if calendar.file else "meetings.toml"
    rows: list[dict[str, Any]] = []
    for body in calendar.bodies.values():
        if committee is not None and body.id != committee:
            continue
        for day in body.dates:
            if day < today and not past:
                continue
            origin = body.origins.get(day, where)
            rows.append({"body": body.id, "name": names.get(body.id, body.id),
                         "meeting": day.isoformat(),
                         "submission": body.submission_date(day).isoformat(),
                         "origin": t("meetings_example", lang, file=origin) if body.example
                         else origin, "example": body.example})
    columns = [("name", t("col_body", lang)), ("meeting", t("col_meeting", lang)),
               ("submission", t("col_handin", lang)), ("origin", t("col_origin", lang))]
    if fmt.lower() in ("json", "csv"):
        columns = [(k, k) for k in ("body", "meeting", "submission", "origin", "example")]
    emit(rows, fmt, columns=columns, empty=t("meetings_none", lang, file=where),
         no_wrap=("meeting", "submission"))
    note = meeting_note(calendar, now, lang, names)
    if note:
        (console if fmt.lower() == "table" else err).print(note, markup=False)
