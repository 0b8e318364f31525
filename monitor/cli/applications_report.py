"""``monitor report``: the year's international work for the annual report, from the
register of applications and activities."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from monitor.cli.applications_cmd import application_errors, committee_of
from monitor.cli.common import cli_errors, err, state
from monitor.cli.usage import UsageError, check_year, choose
from monitor.config.committees import committees
from monitor.config.organisation import organisation
from monitor.paperwork.report import BINARY_FORMATS, FORMATS, build_report, render_report
from monitor.text.i18n import add_messages, t

add_messages({
    "applcli.written": {"sv": "Rapporten skrevs till {path}.", "en": "Report written to {path}."},
})


@cli_errors
@application_errors
def report(
    ctx: typer.Context,
    year: Optional[int] = typer.Option(None, "--year", help="Året (standard: innevarande)"),
    committee: Optional[str] = typer.Option(None, "--committee", help="Bara en nämnd"),
    fmt: str = typer.Option("md", "--format", "-f", help="md, html, docx, xlsx eller csv"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Skriv till fil i stället för skärmen"),
    assessment: Optional[Path] = typer.Option(None, "--assessment", metavar="FILE",
                                              help="Samordnarens bedömning (text) till "
                                                   "avsnittet Bedömning"),
) -> None:
    """Rapport internationellt samarbete för ett år: partnerskap, vänorter, samarbete inom
    förvaltningarna, ansökningar, utlysningar som visades men inte söktes, och bedömningen.

    Example: monitor report --year 2026 --committee bun --format html -o internationellt-2026.html
    Example: monitor report --year 2016 --format docx --assessment bedomning.txt -o rapport-2016.docx
    """
    st = state(ctx)
    fmt = choose("--format", fmt, {**{f: f for f in FORMATS}, "excel": "xlsx"})
    if fmt in BINARY_FORMATS and output is None:
        raise UsageError("--format", fmt, reason="usage.needs_output")
    text_of_assessment = None
    if assessment is not None:
        try:
            text_of_assessment = assessment.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise UsageError("--assessment", str(assessment), reason="usage.not_path") from None
    now = st.now
    year = check_year("--year", year) or now.astimezone(st.tz).year
    built = build_report(st.read_store, year, committees(st.config),
                         committee=committee_of(st, committee), tz=st.tz, now=now,
                         organisation=organisation(st.config), assessment=text_of_assessment)
    text = render_report(built, fmt, st.lang, tz=st.tz)
    if output is None:
        assert isinstance(text, str)
        typer.echo(text, nl=not text.endswith("\n"))
        return
    if isinstance(text, bytes):
        output.write_bytes(text)
    else:
        output.write_text(text, encoding="utf-8")
    err.print(t("applcli.written", st.lang, path=output), markup=False)
