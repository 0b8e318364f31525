"""Configuration: the TOML files under ``config/`` read into typed settings.

Where the configuration lives: ``--config DIR``, else ``$MONITOR_CONFIG``, else ``./config``
(and, when the monitor runs from a source checkout elsewhere, the checkout's ``config/``).
Every file is validated completely before anything runs: an unknown key, a wrong type or a
TOML syntax error raises :class:`~monitor.errors.ConfigError` naming the file, the key or line
and the valid choices. Other modules declare their own sections with :class:`Key` schemas and
validate them with :func:`check_table`, so all files report mistakes the same way.

The schema machinery (``Key``, ``setting()``, ``schema_of``) lives in
:mod:`monitor.config.schema`, the ``[[source]]`` blocks in :mod:`monitor.config.source_blocks`;
their names are importable from here too. This module holds the typed settings, where the
folder is, and the :class:`Config` object.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.config.schema import (REQUIRED, Key, Section, build_section, check_http_url,
                                   check_table, not_negative, one_of, positive, read_toml,
                                   schema_of, setting, with_environment)
from monitor.config.source_blocks import SOURCE_COMMON, SourceConfig, load_sources
from monitor.errors import ConfigError

__all__ = [
    "Key",
    "REQUIRED",
    "check_table",
    "read_toml",
    "find_config_dir",
    "Settings",
    "HttpSettings",
    "MunicipalitySettings",
    "MUNICIPALITY_SCHEMA",
    "Section",
    "setting",
    "schema_of",
    "build_section",
    "with_environment",
    "SourceConfig",
    "Config",
    "LazyParts",
    "read_config",
    "check_http_url",
    "load_sources",
    "SOURCE_COMMON",
    "database_path",
    "beside",
    "DEFAULT_TIMEZONE",
]


def _check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {value!r} (for example {DEFAULT_TIMEZONE})"
    return None


#: the time zone dates are read and shown in unless settings.toml says otherwise; every module
#: takes the zone from the settings, this is the only place it is written
DEFAULT_TIMEZONE = "Europe/Stockholm"

DEFAULT_USER_AGENT = ("kommun-monitor/0.1 (funding and horizon-scanning monitor; "
                      "contact: the municipality's international coordinator)")


@dataclass(frozen=True)
class HttpSettings(Section):
    """``[http]``: how the shared HTTP client behaves."""

    timeout: float = setting(30.0, positive, "seconds to connect, and between bytes read")
    user_agent: str = setting(DEFAULT_USER_AGENT)
    max_body_bytes: int = setting(20 * 1024 * 1024, positive, "a larger response is aborted")
    retries: int = setting(3, not_negative, "retries on 429, 5xx and network errors")
    backoff: float = setting(1.0, not_negative, "first retry wait in seconds, doubled each time")
    max_retry_after: float = setting(300.0, not_negative,
                                     "longest Retry-After honoured; a longer one fails the source")
    max_redirects: int = setting(5, not_negative)
    max_pages: int = setting(50, positive, "page limit per source and poll")


@dataclass(frozen=True)
class Settings:
    """``config/settings.toml`` after validation: the top-level keys, ``[http]``, and each
    feature's section as its own typed object (``section("mail")``)."""

    database: Path = setting(Path("../data/monitor.db"), None,
                             "SQLite file, relative to the configuration folder (MONITOR_DB "
                             "and --db override, relative to the working directory)")
    timezone: str = setting(DEFAULT_TIMEZONE, _check_timezone, "time zone for dates shown")
    language: str = setting("sv", one_of("sv", "en"), "language of CLI messages and mail")
    http: HttpSettings = field(default_factory=HttpSettings)
    sections: Mapping[str, Any] = field(default_factory=dict)
    file: Path | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def section(self, name: str, cls: type | None = None) -> Any:
        """A validated section other than ``http`` (``mail``, ``municipality`` ...) as its
        typed object; when it was not read (settings made without the feature), ``cls()``'s
        defaults, or an empty table without ``cls``."""
        found = self.sections.get(name)
        if found is None:
            return cls() if cls is not None else {}
        return found


@dataclass(frozen=True)
class MunicipalitySettings(Section):
    """``[municipality]``: who the monitor works for. ``region`` is the programme area of the
    regional programmes it lies in (ESF+, the regional fund: "Stockholm"), for the
    eligibility step (monitor.matchers.eligibility); "" means no call is refused for its
    area."""

    name: str = setting("Tyresö kommun", None, "the municipality as funders and ministries "
                        "write it (remissinstans lists)")
    region: str = setting("", None, "its programme area / county (ESF+, the regional fund)")


TOP_SCHEMA: dict[str, Key] = schema_of(Settings)
HTTP_SCHEMA: dict[str, Key] = schema_of(HttpSettings)
MUNICIPALITY_SCHEMA: dict[str, Key] = schema_of(MunicipalitySettings)


class LazyParts(Mapping[str, Any]):
    """The features' files by name (committees, matching, meetings ...), each read by its
    loader on first access and kept: a command that lists calls does not build the tagger."""

    def __init__(self, loaders: Mapping[str, Callable[[], Any]]) -> None:
        self._loaders = dict(loaders)
        self._values: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._values:
            if name not in self._loaders:
                raise KeyError(name)
            self._values[name] = self._loaders[name]()
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaders)

    def __len__(self) -> int:
        return len(self._loaders)

    def loaded(self) -> list[str]:
        """The parts read so far."""
        return list(self._values)

    def read_all(self) -> None:
        """Read every part not read yet (the first mistake raises)."""
        for name in self._loaders:
            self[name]  # noqa: B018


@dataclass(frozen=True)
class Config:
    """Everything read from the configuration folder.

    ``settings.toml`` is read at once; ``sources.toml`` (:attr:`sources`) and the features'
    files (:attr:`extras`) when first used, each once. :meth:`check` reads them all now:
    :func:`read_config` does unless asked to be lazy, and a command checks before it writes,
    so a mistake in any file still stops the monitor before it writes anything.
    """

    dir: Path
    settings: Settings
    read_sources: Callable[[], tuple[SourceConfig, ...]] = field(default=tuple, repr=False)
    extras: Mapping[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def sources(self) -> tuple[SourceConfig, ...]:
        """The ``[[source]]`` blocks, validated against their kinds (read on first use)."""
        return self.read_sources()

    def check(self) -> "Config":
        """Read and validate every part not read yet; the first mistake raises ConfigError."""
        if isinstance(self.settings.sections, LazyParts):
            self.settings.sections.read_all()
        self.sources  # noqa: B018 - read for its validation
        if isinstance(self.extras, LazyParts):
            self.extras.read_all()
        return self

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        raise ConfigError(f"no source named {name!r}", file=str(self.dir / "sources.toml"),
                          valid=[s.name for s in self.sources])


def find_config_dir(explicit: str | Path | None = None) -> Path:
    """``--config DIR``, else ``$MONITOR_CONFIG``, else ``./config``, else the checkout's."""
    if explicit:
        path = Path(explicit)
        if not path.is_dir():
            raise ConfigError("configuration folder does not exist", file=str(path))
        return path
    env = os.environ.get("MONITOR_CONFIG")
    if env:
        path = Path(env)
        if not path.is_dir():
            raise ConfigError("configuration folder (from MONITOR_CONFIG) does not exist",
                              file=str(path))
        return path
    local = Path("config")
    if local.is_dir():
        return local
    bundled = Path(__file__).resolve().parents[2] / "config"
    if bundled.is_dir():
        return bundled
    raise ConfigError("no configuration folder: give --config DIR or set MONITOR_CONFIG",
                      file=str(local.resolve()))


def beside(config_dir: Path, value: str | Path) -> Path:
    """A path from a configuration file: relative to the configuration folder, never to the
    working directory (``monitor`` run from cron or another folder finds the same files)."""
    path = Path(value)
    if path.is_absolute():
        return path
    return Path(os.path.normpath(config_dir / path))


def load_settings(config_dir: Path, sections: Mapping[str, type] | None = None, *,
                  lazy: bool = False) -> Settings:
    """Read ``settings.toml`` (absent file: all defaults).

    ``sections`` are the features' settings dataclasses by section name (``mail``,
    ``schedule`` ...), given by the composition root (:mod:`monitor.app`); ``[http]`` is
    and ``[municipality]`` are always known. The file's syntax, its top-level keys and
    ``[http]`` are checked now; with ``lazy`` each other section is checked when first
    used (``[schedule]``'s cron expressions need the scheduler's trigger code).
    """
    classes: dict[str, type] = {"http": HttpSettings, "municipality": MunicipalitySettings,
                                **(sections or {})}
    path = config_dir / "settings.toml"
    data = read_toml(path) if path.exists() else {}
    raw_sections = {name: data.pop(name) for name in list(data) if name in classes}
    top_schema = dict(TOP_SCHEMA)
    for name in classes:
        top_schema[name] = Key(dict, dict, doc=f"[{name}] section")
    top = check_table(data, top_schema, file=path)
    for name in classes:
        if not isinstance(raw_sections.get(name, {}), dict):
            raise ConfigError("must be a table ([section])", file=str(path), key=name)
    http = build_section(HttpSettings, raw_sections.get("http", {}), file=path, where="http")
    built = LazyParts({name: functools.partial(build_section, cls, raw_sections.get(name, {}),
                                               file=path, where=name)
                       for name, cls in classes.items() if name != "http"})
    if not lazy:
        built.read_all()
    return Settings(database=beside(config_dir, top["database"]), timezone=top["timezone"],
                    language=top["language"], http=http, sections=built, file=path)


# A loader reads one more file (committees, priorities, meetings ...) from the folder, given
# the settings already read; Config.check runs them all, so a mistake in any file stops the
# monitor before it writes anything.
Loader = Callable[[Path, Settings], Any]


def read_config(config_dir: str | Path | None, *, sections: Mapping[str, type],
                loaders: Mapping[str, Loader], source_kinds: Callable[[], Any],
                lazy: bool = False) -> Config:
    """Find and validate the whole configuration with the features' sections and loaders.

    ``source_kinds`` returns the source classes by kind (importing them is the caller's
    business, done only when ``sources.toml`` is read). With ``lazy``, only ``settings.toml``
    is read now and every other file on first use (see :class:`Config`). The application
    calls this through :func:`monitor.app.load_config`, which knows the features; this
    module knows none of them.
    """
    directory = find_config_dir(config_dir)
    settings = load_settings(directory, sections, lazy=lazy)
    config = Config(
        dir=directory, settings=settings,
        read_sources=lambda: load_sources(directory, source_kinds()),
        extras=LazyParts({name: functools.partial(loader, directory, settings)
                          for name, loader in loaders.items()}))
    return config if lazy else config.check()


def database_path(config: Config, explicit: str | Path | None = None) -> Path:
    """``--db PATH``, else ``$MONITOR_DB``, else the settings file's ``database``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("MONITOR_DB")
    if env:
        return Path(env)
    return config.settings.database

