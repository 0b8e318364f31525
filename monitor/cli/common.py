"""What every command shares: global options, lazy config/store, errors, output formats."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, NoReturn, Optional, Sequence, TypeVar

import typer
import typer.core
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from monitor.app import load_config, open_store
from monitor.cli.usage import (ClickUsageError, NoArgsIsHelp, choose, lang_from_args, render,
                               render_click)
from monitor.config.settings import Config, database_path
from monitor.errors import ConfigError, MonitorError, UsageError
from monitor.store.database import Store
from monitor.text.i18n import LANGUAGES, add_messages, default_language, t

__all__ = ["MonitorGroup", "global_options", "State", "state", "clock", "cli_errors", "emit",
           "FormatOption", "console", "err"]

add_messages({
    "usage.needs_output": {"sv": "ange filen med --output FIL.",
                           "en": "give the file with --output FILE."},
    "usage.not_writable": {"sv": "kan inte skriva filen: {error}.",
                           "en": "cannot write the file: {error}."},
    "sheet_written": {"sv": "{n} rader skrivna till {path}.", "en": "{n} rows written to {path}."},
    # column headers of more than one command (subscriptions, digest)
    "sub_col_committee": {"sv": "Nämnd", "en": "Committee"},
    "sub_col_email": {"sv": "E-post", "en": "Email"},
    "usage.no_database": {
        "sv": "Databasen finns inte: {path} – kör `monitor poll` först eller ange --db.",
        "en": "The database does not exist: {path} – run `monitor poll` first or give --db."},
})


class MonitorGroup(typer.core.TyperGroup):
    """The command group: renders every usage error, ours and Click's, in one style (exit 2).
    (:class:`monitor.cli.LazyGroup` adds loading each command when it runs.)"""

    raw_args: list[str] = []

    def make_context(self, info_name: Optional[str], args: list[str],
                     parent: Any = None, **extra: Any) -> Any:
        self.raw_args = list(args)
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except NoArgsIsHelp:
            raise
        except ClickUsageError as exc:
            usage_exit(render_click(exc, lang_from_args(self.raw_args, default_language()),
                                    self.raw_args))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            usage_exit(render(exc, self._lang(ctx)))
        except NoArgsIsHelp:
            raise
        except ClickUsageError as exc:
            usage_exit(render_click(exc, self._lang(ctx), self.raw_args))

    def _lang(self, ctx: Any) -> str:
        obj = ctx.find_root().obj  # set by the global options; not yet for an unknown command
        if isinstance(obj, State):
            return obj.lang
        return lang_from_args(self.raw_args, default_language())


def usage_exit(text: str) -> NoReturn:
    err.print(text, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_USAGE)


def _console(**kwargs: Any) -> Console:
    """Rich falls back to 80 columns when output is not a terminal (make, cron, pipes); a
    table of calls needs more. COLUMNS still wins when set."""
    probe = Console(**kwargs)
    if not probe.is_terminal and "COLUMNS" not in os.environ:
        return Console(width=140, **kwargs)
    return probe


console = _console(soft_wrap=False)
err = _console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])
EXIT_USAGE, EXIT_FAILED = 2, 3


def clock() -> datetime:
    """The current time: the one place that reads the wall clock (everything below the command
    line is given ``now``). ``MONITOR_NOW`` (ISO 8601) pins it for replays, demos and tests."""
    pinned = os.environ.get("MONITOR_NOW")
    if pinned:
        try:
            value = datetime.fromisoformat(pinned.replace("Z", "+00:00"))
        except ValueError:
            raise ConfigError(f"not an ISO 8601 time, e.g. 2026-11-22T08:00:00+00:00: {pinned!r}",
                              file="environment", key="MONITOR_NOW") from None
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


@dataclass
class State:
    """Global options, and config/store opened only when a command needs them."""

    config_dir: Optional[Path] = None
    db: Optional[Path] = None
    lang: str = field(default_factory=default_language)
    _config: Optional[Config] = None
    _store: Optional[Store] = None
    _now: Optional[datetime] = None

    @property
    def config(self) -> Config:
        """The configuration: settings.toml now, every other file when first used (a
        listing reads no source class and builds no tagger); see :attr:`store`."""
        if self._config is None:
            self._config = load_config(self.config_dir, lazy=True)
        return self._config

    @property
    def store(self) -> Store:
        """The database, created when missing (for commands that write: poll, subscribe …).
        Every configuration file is checked first: a mistake in any of them stops the
        command before it writes anything."""
        self.config.check()  # once: the parts read stay read
        if self._store is None:
            self._store = open_store(database_path(self.config, self.db))
        return self._store

    @property
    def read_store(self) -> Store:
        """The database for a command that only reads: a missing file is a usage error and
        nothing is created (a mistyped --db must not leave an empty database behind)."""
        def refuse(path: Path) -> Store:
            raise UsageError("", str(path), reason="usage.no_database", path=path)
        return self._existing_store(refuse)

    @property
    def store_or_empty(self) -> Store:
        """The database for a command that can answer from the configuration alone
        (``subscriptions``, ``meetings``): when the file is missing, an empty store in memory,
        so a fresh install shows its configured defaults and no file is created."""
        return self._existing_store(lambda path: open_store(":memory:"))

    def _existing_store(self, missing: Callable[[Path], Store]) -> Store:
        """The database when its file exists (without the check of every configuration file
        a writing command makes), else what ``missing`` gives for its path."""
        if self._store is None:
            path = database_path(self.config, self.db)
            exists = str(path) == ":memory:" or Path(path).is_file()
            self._store = open_store(path) if exists else missing(path)
        return self._store

    @property
    def now(self) -> datetime:
        """The command's time, read once: every step of one command sees the same ``now``."""
        if self._now is None:
            self._now = clock()
        return self._now

    @property
    def tz(self):  # noqa: ANN201 - ZoneInfo
        return self.config.settings.tz

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def state(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


def global_options(
    ctx: typer.Context,  # the callback of the ``monitor`` group (monitor.cli)
    config: Optional[Path] = typer.Option(None, "--config", metavar="DIR",
                                          help="Konfigurationsmapp (annars $MONITOR_CONFIG, ./config)"),
    db: Optional[Path] = typer.Option(None, "--db", metavar="PATH",
                                      help="Databasfil (annars $MONITOR_DB, settings.toml)"),
    lang: Optional[str] = typer.Option(None, "--lang", metavar="sv|en",
                                       help="Språk för meddelanden / language of messages"),
) -> None:
    if lang is not None:
        lang = choose("--lang", lang, {code: code for code in LANGUAGES})
    st = State(config_dir=config, db=db)
    if lang:
        st.lang = lang
    ctx.obj = st
    ctx.call_on_close(st.close)


def cli_errors(fn: F) -> F:
    """Turn domain errors into one clear message and an exit status (config: 2, other: 1)."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = kwargs.get("ctx") or next((a for a in args if isinstance(a, typer.Context)), None)
        lang = ctx.obj.lang if ctx is not None and isinstance(ctx.obj, State) else default_language()
        try:
            return fn(*args, **kwargs)
        except UsageError:
            raise  # rendered by MonitorGroup, like Click's own usage errors
        except ConfigError as exc:
            err.print(t("config_error", lang, message=str(exc)), markup=False, highlight=False,
                      soft_wrap=True)
            raise typer.Exit(EXIT_USAGE)
        except MonitorError as exc:
            err.print(f"{t('error', lang)}: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1)
    return wrapper  # type: ignore[return-value]


FormatOption = typer.Option("table", "--format", "-f", help="table, json eller csv",
                            case_sensitive=False)
SheetFormatOption = typer.Option("table", "--format", "-f",
                                 help="table, json, csv eller xlsx (Excel, med --output)",
                                 case_sensitive=False)
OutputOption = typer.Option(None, "--output", "-o", metavar="FILE",
                            help="Skriv till FILE (krävs för xlsx)")
FORMATS = {"table": "table", "tabell": "table", "json": "json", "csv": "csv"}
SHEET_FORMATS = {**FORMATS, "xlsx": "xlsx", "excel": "xlsx"}


def write_sheet(output: Optional[Path], headers: Sequence[str], rows: Sequence[Sequence[Any]],
                *, lang: str, sheet: str) -> None:
    """``--format xlsx``: one Excel sheet at ``--output`` (a workbook is no terminal text)."""
    from monitor.paperwork.xlsx import write_xlsx
    if output is None:
        raise UsageError("--format", "xlsx", reason="usage.needs_output")
    try:
        count = write_xlsx(output, headers, rows, sheet=sheet)
    except OSError as exc:
        raise UsageError("--output", str(output), reason="usage.not_writable",
                         error=getattr(exc, "strerror", None) or str(exc)) from None
    err.print(t("sheet_written", lang, n=count, path=output), markup=False, highlight=False,
              soft_wrap=True)


def check_format(fmt: str, formats: dict[str, str] = FORMATS) -> str:
    return choose("--format", fmt, formats)


def emit(rows: Sequence[dict[str, Any]], fmt: str, *, columns: Sequence[tuple[str, str]],
         table_rows: Callable[[dict[str, Any]], Sequence[Any]] | None = None,
         empty: str = "", title: str | None = None, no_wrap: Sequence[str] = (),
         narrow_widths: dict[str, int] | None = None) -> None:
    """Print rows as a rich table, JSON (a list of objects) or CSV.

    ``columns`` is ``(key, header)``; JSON and CSV use the keys, the table the headers. The
    table has no vertical rules (it fits 80 columns); the columns in ``no_wrap`` (ids, dates)
    are never broken, the others wrap at word boundaries; on a terminal under 100 columns
    the columns in ``narrow_widths`` are kept that narrow (their text wraps) so the titles
    keep their room. A cell may be a rich ``Text``.
    """
    fmt = check_format(fmt)
    if fmt == "json":
        typer.echo(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([key for key, _ in columns])
        for row in rows:
            writer.writerow([_csv_cell(row.get(key)) for key, _ in columns])
        typer.echo(buffer.getvalue(), nl=False)
        return
    if not rows:
        if empty:
            console.print(empty, markup=False)
        return
    table = Table(title=title, show_lines=False, expand=False, box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False)
    for key, header in columns:
        if key in no_wrap:
            table.add_column(header, no_wrap=True, overflow="ignore")
        else:
            narrow = (narrow_widths or {}).get(key) if console.width < 100 else None
            table.add_column(header, overflow="fold", max_width=narrow)
    for row in rows:
        cells = table_rows(row) if table_rows else [_csv_cell(row.get(k)) for k, _ in columns]
        table.add_row(*[c if isinstance(c, Text) else Text(str(c)) for c in cells])
    console.print(table, markup=False)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
