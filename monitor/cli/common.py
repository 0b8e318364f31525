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
from typing import Any, Callable, Optional, Sequence, TypeVar

import click
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..app import load_config, open_store
from ..config import Config, database_path
from ..errors import ConfigError, MonitorError
from ..i18n import LANGUAGES, default_language, t
from ..store import Store

__all__ = ["app", "State", "state", "clock", "cli_errors", "emit", "FormatOption", "console", "err"]

app = typer.Typer(
    name="monitor",
    help="Omvärldsbevakning: EU- och svenska utlysningar, lagstiftning och remisser, "
         "taggade till nämnder. / Funding and horizon-scanning monitor.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
)
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
        if self._config is None:
            self._config = load_config(self.config_dir)
        return self._config

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(database_path(self.config, self.db))
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


@app.callback()
def _global_options(
    ctx: typer.Context,
    config: Optional[Path] = typer.Option(None, "--config", metavar="DIR",
                                          help="Konfigurationsmapp (annars $MONITOR_CONFIG, ./config)"),
    db: Optional[Path] = typer.Option(None, "--db", metavar="PATH",
                                      help="Databasfil (annars $MONITOR_DB, settings.toml)"),
    lang: Optional[str] = typer.Option(None, "--lang", metavar="sv|en",
                                       help="Språk för meddelanden / language of messages"),
) -> None:
    if lang is not None and lang not in LANGUAGES:
        raise typer.BadParameter(f"{lang!r}: sv, en", param_hint="--lang")
    st = State(config_dir=config, db=db)
    if lang:
        st.lang = lang
    ctx.obj = st
    ctx.call_on_close(st.close)


def cli_errors(fn: F) -> F:
    """Turn domain errors into one clear message and an exit status (config: 2, other: 1)."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = kwargs.get("ctx") or next((a for a in args if isinstance(a, click.Context)), None)
        lang = ctx.obj.lang if ctx is not None and isinstance(ctx.obj, State) else default_language()
        try:
            return fn(*args, **kwargs)
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


def check_format(fmt: str) -> str:
    fmt = fmt.lower()
    if fmt not in ("table", "json", "csv"):
        raise typer.BadParameter(f"{fmt!r}: table, json, csv", param_hint="--format")
    return fmt


def emit(rows: Sequence[dict[str, Any]], fmt: str, *, columns: Sequence[tuple[str, str]],
         table_rows: Callable[[dict[str, Any]], Sequence[str]] | None = None,
         empty: str = "", title: str | None = None) -> None:
    """Print rows as a rich table, JSON (a list of objects) or CSV.

    ``columns`` is ``(key, header)``; JSON and CSV use the keys, the table the headers.
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
    table = Table(title=title, show_lines=False, expand=False)
    for _, header in columns:
        table.add_column(header, overflow="fold")
    for row in rows:
        cells = table_rows(row) if table_rows else [_csv_cell(row.get(k)) for k, _ in columns]
        table.add_row(*[Text(str(c)) for c in cells])
    console.print(table, markup=False)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
