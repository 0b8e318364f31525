"""``monitor poll`` and ``monitor run``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

from monitor.app import run_main_job
from monitor.cli.common import EXIT_FAILED, cli_errors, console, err, state
from monitor.cli.usage import UsageError, resolve_sources
from monitor.pipeline.ingest import SourceReport
from monitor.pipeline.ingest import poll as poll_sources
from monitor.pipeline.ingest import select_sources
from monitor.text.i18n import t


def _report_line(report: SourceReport, lang: str) -> str:
    if report.outcome == "ok":
        return t("poll_ok", lang, source=report.source, parsed=report.items_parsed,
                 new=report.new, changed=report.changed, seconds=report.seconds)
    if report.outcome == "unchanged":
        return t("poll_unchanged", lang, source=report.source)
    return t("poll_error", lang, source=report.source, error=report.error)


def _with_progress(total: int, lang: str, job):  # noqa: ANN001, ANN202
    """Run ``job(on_report)`` under a progress bar; print each source's line as it ends."""
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.completed}/{task.total}"), console=err,
                        transient=True, disable=not err.is_terminal)
    with progress:
        task = progress.add_task(t("poll_progress", lang), total=total)

        def on_report(report: SourceReport) -> None:
            style = "red" if report.failed else None
            console.print(_report_line(report, lang), style=style, markup=False,
                          highlight=False, soft_wrap=True)
            progress.advance(task)
        return job(on_report)


def _summary(reports: list[SourceReport], lang: str) -> int:
    failed = sum(r.failed for r in reports)
    console.print(t("poll_summary", lang, ok=len(reports) - failed, total=len(reports),
                    failed=failed), markup=False, highlight=False)
    return EXIT_FAILED if failed else 0


@cli_errors
def poll(
    ctx: typer.Context,
    source: List[str] = typer.Option([], "--source", help="Bara denna källa (flera går)"),
    replay: Optional[Path] = typer.Option(None, "--replay", metavar="DIR",
                                          help="Svara från inspelade svar i DIR"),
    record: Optional[Path] = typer.Option(None, "--record", metavar="DIR",
                                          help="Spara alla svar i DIR"),
) -> None:
    """Hämta alla aktiverade källor (eller de namngivna) och spara nya och ändrade poster.

    Exit 0 när alla lyckades, 3 när någon misslyckades (de andras poster sparas), 2 vid fel i
    anrop eller konfiguration.

    Example: monitor poll --source eu-funding --replay tests/fixtures/replay
    """
    st = state(ctx)
    if replay and record:
        raise UsageError("--replay", str(replay), reason="usage.together", other="--record")
    config = st.config
    source = resolve_sources(config, source)
    store = st.store
    selected = select_sources(config, source)
    if not selected:
        console.print(t("no_sources", st.lang, file=config.dir / "sources.toml"), markup=False)
        return
    reports = _with_progress(len(selected), st.lang, lambda on_report: poll_sources(
        config, store, names=source, replay=replay, record=record, now=st.now,
        on_report=on_report))
    code = _summary(reports, st.lang)
    if code:
        raise typer.Exit(code)


@cli_errors
def run(
    ctx: typer.Context,
    replay: Optional[Path] = typer.Option(None, "--replay", metavar="DIR",
                                          help="Svara från inspelade svar i DIR"),
) -> None:
    """Huvudjobbet: hämta alla källor, tagga, och kör stegen efter hämtningen (utskick).

    Example: monitor run
    """
    st = state(ctx)
    config, store = st.config, st.store
    total = len(select_sources(config))
    result = _with_progress(total, st.lang, lambda on_report: run_main_job(
        config, store, replay=replay, lang=st.lang, now=st.now, on_report=on_report))
    for name, summary in result.steps:
        if summary:
            console.print(f"{name}: {summary}", markup=False, highlight=False)
    for name, error in result.step_errors:
        err.print(t("poll_error", st.lang, source=name, error=error), markup=False,
                  highlight=False)
    code = _summary(result.reports, st.lang)
    if code or result.step_errors:
        raise typer.Exit(code or 1)
