"""Configuration: the TOML files under ``config/`` read into typed settings.

Where the configuration lives: ``--config DIR``, else ``$MONITOR_CONFIG``, else ``./config``
(and, when the monitor runs from a source checkout elsewhere, the checkout's ``config/``).
Every file is validated completely before anything runs: an unknown key, a wrong type or a
TOML syntax error raises :class:`~monitor.errors.ConfigError` naming the file, the key or line
and the valid choices. Other modules declare their own sections with :class:`Key` schemas and
validate them with :func:`check_table`, so all files report mistakes the same way.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError

__all__ = [
    "Key",
    "REQUIRED",
    "check_table",
    "read_toml",
    "find_config_dir",
    "Settings",
    "HttpSettings",
    "SourceConfig",
    "Config",
    "load_config",
    "check_http_url",
]

REQUIRED = object()
_TYPE_NAMES = {str: "text", int: "integer", float: "number", bool: "true/false", list: "list",
               dict: "table"}


@dataclass(frozen=True)
class Key:
    """One allowed key: its type(s), default (``REQUIRED`` if it must be given) and a check.

    ``check`` receives the value and returns an error message, or ``None`` when it is fine.
    """

    type: type | tuple[type, ...]
    default: Any = REQUIRED
    check: Callable[[Any], str | None] | None = None
    doc: str = ""

    def type_name(self) -> str:
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        return " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)

    def accepts(self, value: Any) -> bool:
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        if isinstance(value, bool) and bool not in types:
            return False  # TOML true is not the integer 1 here
        if isinstance(value, int) and not isinstance(value, bool) and float in types:
            return True
        return isinstance(value, types)


def check_table(table: Mapping[str, Any], schema: Mapping[str, Key], *, file: str | Path,
                where: str = "") -> dict[str, Any]:
    """Validate ``table`` against ``schema``; return it with defaults filled in.

    ``where`` is the dotted prefix used in messages (``"http"``, ``"source[3]"``).
    """
    prefix = f"{where}." if where else ""
    valid = sorted(schema)
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in schema:
            raise ConfigError("unknown key", file=str(file), key=prefix + key, valid=valid)
        spec = schema[key]
        if not spec.accepts(value):
            raise ConfigError(
                f"must be {spec.type_name()}, got {type(value).__name__} {value!r}",
                file=str(file), key=prefix + key)
        if spec.check is not None:
            problem = spec.check(value)
            if problem:
                raise ConfigError(problem, file=str(file), key=prefix + key)
        out[key] = value
    for key, spec in schema.items():
        if key not in out:
            if spec.default is REQUIRED:
                raise ConfigError("required key is missing", file=str(file), key=prefix + key)
            out[key] = spec.default() if callable(spec.default) else spec.default
    return out


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file; a syntax error becomes a ConfigError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path))
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", file=str(path))
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        key = f"line {match.group(1)}, column {match.group(2)}" if match else None
        raise ConfigError(f"TOML syntax error: {message}", file=str(path), key=key)


def check_http_url(value: str) -> str | None:
    """Only absolute http(s) URLs with a host are allowed anywhere the monitor fetches."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"must be an http:// or https:// URL, got {value!r}"
    return None


def _check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {value!r} (for example Europe/Stockholm)"
    return None


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}, got {value!r}"
    return check


def _positive(value: float) -> str | None:
    return None if value > 0 else f"must be greater than 0, got {value}"


def _not_negative(value: float) -> str | None:
    return None if value >= 0 else f"must be 0 or more, got {value}"


DEFAULT_USER_AGENT = ("kommun-monitor/0.1 (funding and horizon-scanning monitor; "
                      "contact: the municipality's international coordinator)")

TOP_SCHEMA: dict[str, Key] = {
    "database": Key(str, "../data/monitor.db",
                    doc="SQLite file, relative to the configuration folder (MONITOR_DB and --db "
                        "override, relative to the working directory)"),
    "timezone": Key(str, "Europe/Stockholm", _check_timezone, doc="time zone for dates shown"),
    "language": Key(str, "sv", _one_of("sv", "en"), doc="language of CLI messages and mail"),
}

HTTP_SCHEMA: dict[str, Key] = {
    "timeout": Key(float, 30.0, _positive, doc="seconds to connect, and between bytes read"),
    "user_agent": Key(str, DEFAULT_USER_AGENT),
    "max_body_bytes": Key(int, 20 * 1024 * 1024, _positive, doc="a larger response is aborted"),
    "retries": Key(int, 3, _not_negative, doc="retries on 429, 5xx and network errors"),
    "backoff": Key(float, 1.0, _not_negative, doc="first retry wait in seconds, doubled each time"),
    "max_retry_after": Key(float, 300.0, _not_negative,
                           doc="longest Retry-After honoured; a longer one fails the source"),
    "max_redirects": Key(int, 5, _not_negative),
    "max_pages": Key(int, 50, _positive, doc="page limit per source and poll"),
}

# [municipality]: who the monitor works for. ``region`` is the programme area of the regional
# programmes it lies in (ESF+, the regional fund: "Stockholm"), for the eligibility step
# (monitor.matchers.eligibility); "" means no call is refused for its area.
MUNICIPALITY_SCHEMA: dict[str, Key] = {
    "name": Key(str, "Tyresö kommun",
                doc="the municipality as funders and ministries write it (remissinstans lists)"),
    "region": Key(str, "", doc="its programme area / county (ESF+, the regional fund)"),
}

# Other modules add their sections here (mail, schedule, ...) before settings are loaded.
SECTION_SCHEMAS: dict[str, dict[str, Key]] = {"http": HTTP_SCHEMA,
                                              "municipality": MUNICIPALITY_SCHEMA}


@dataclass(frozen=True)
class HttpSettings:
    """How the shared HTTP client behaves."""

    timeout: float = 30.0
    user_agent: str = DEFAULT_USER_AGENT
    max_body_bytes: int = 20 * 1024 * 1024
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 300.0
    max_redirects: int = 5
    max_pages: int = 50


@dataclass(frozen=True)
class Settings:
    """``config/settings.toml`` after validation."""

    database: Path = Path("../data/monitor.db")
    timezone: str = "Europe/Stockholm"
    language: str = "sv"
    http: HttpSettings = field(default_factory=HttpSettings)
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    file: Path | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def section(self, name: str) -> Mapping[str, Any]:
        """A validated section other than ``http`` (``mail``, ``schedule`` ...)."""
        return self.sections.get(name, {})


@dataclass(frozen=True)
class SourceConfig:
    """One ``[[source]]`` block: common keys plus the options of its kind."""

    name: str
    kind: str
    url: str
    enabled: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)
    file: str = "sources.toml"

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)


@dataclass(frozen=True)
class Config:
    """Everything read from the configuration folder."""

    dir: Path
    settings: Settings
    sources: tuple[SourceConfig, ...]
    extras: Mapping[str, Any] = field(default_factory=dict)

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
    bundled = Path(__file__).resolve().parent.parent / "config"
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


def load_settings(config_dir: Path) -> Settings:
    """Read ``settings.toml`` (absent file: all defaults)."""
    path = config_dir / "settings.toml"
    data = read_toml(path) if path.exists() else {}
    sections = {name: data.pop(name) for name in list(data) if name in SECTION_SCHEMAS}
    top_schema = dict(TOP_SCHEMA)
    for name in SECTION_SCHEMAS:
        top_schema[name] = Key(dict, dict, doc=f"[{name}] section")
    top = check_table(data, top_schema, file=path)
    checked: dict[str, dict[str, Any]] = {}
    for name, schema in SECTION_SCHEMAS.items():
        raw = sections.get(name, {})
        if not isinstance(raw, dict):
            raise ConfigError("must be a table ([section])", file=str(path), key=name)
        checked[name] = check_table(raw, schema, file=path, where=name)
    http = HttpSettings(**checked.pop("http"))
    return Settings(database=beside(config_dir, top["database"]), timezone=top["timezone"],
                    language=top["language"], http=http, sections=checked, file=path)


_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _check_name(value: str) -> str | None:
    if not _NAME_RE.match(value):
        return f"must be lowercase letters, digits, '-' or '_', got {value!r}"
    return None


# Keys every [[source]] block may carry, whatever its kind.
SOURCE_COMMON: dict[str, Key] = {
    "name": Key(str, REQUIRED, _check_name, doc="unique name, used in item ids and the CLI"),
    "kind": Key(str, REQUIRED, doc="which source class parses it (monitor sources kinds)"),
    "url": Key(str, REQUIRED, check_http_url, doc="where to fetch (http or https only)"),
    "enabled": Key(bool, True, doc="false keeps the block but does not poll it"),
    "expect_items": Key(bool, True, doc="false for a source that may truly be empty"),
    "degraded_after": Key(int, 3, _positive,
                          doc="polls in a row with zero items before the source is degraded"),
    "description": Key(str, "", doc="free text for people reading the configuration"),
    "allowed_hosts": Key(list, list, lambda v: None if all(isinstance(h, str) for h in v)
                         else "must be a list of host names",
                         doc="other hosts this source may fetch from (detail pages, APIs)"),
}


def load_sources(config_dir: Path) -> tuple[SourceConfig, ...]:
    """Read and validate every ``[[source]]`` block against its kind's declared keys."""
    from .sources import registry  # the registry needs this module; import late

    path = config_dir / "sources.toml"
    if not path.exists():
        return ()
    data = read_toml(path)
    extra = sorted(set(data) - {"source"})
    if extra:
        raise ConfigError("unknown key", file=str(path), key=extra[0], valid=["source"])
    blocks = data.get("source", [])
    if not isinstance(blocks, list):
        raise ConfigError("must be an array of tables written [[source]]", file=str(path),
                          key="source")
    seen: set[str] = set()
    result = []
    for index, block in enumerate(blocks, start=1):
        if not isinstance(block, dict):
            raise ConfigError("must be a table", file=str(path), key=f"source[{index}]")
        label = f"source[{index}]"
        if isinstance(block.get("name"), str):
            label = f"source[{index}] ({block['name']})"
        kind = block.get("kind")
        if not isinstance(kind, str):
            raise ConfigError("required key is missing or not text", file=str(path),
                              key=f"{label}.kind", valid=sorted(registry.kinds()))
        try:
            cls = registry.get(kind)
        except KeyError:
            raise ConfigError(f"unknown source kind {kind!r}", file=str(path),
                              key=f"{label}.kind", valid=sorted(registry.kinds())) from None
        schema = {**SOURCE_COMMON, **cls.options_schema()}
        checked = check_table(block, schema, file=path, where=label)
        if checked["name"] in seen:
            raise ConfigError(f"duplicate source name {checked['name']!r}", file=str(path),
                              key=f"{label}.name")
        seen.add(checked["name"])
        options = {k: v for k, v in checked.items() if k not in ("name", "kind", "url", "enabled")}
        result.append(SourceConfig(name=checked["name"], kind=kind, url=checked["url"],
                                   enabled=checked["enabled"], options=options, file=str(path)))
    return tuple(result)


# Loaders for other files (committees, priorities, meetings ...) register here and run in
# load_config, so a mistake in any file stops the monitor before it writes anything.
EXTRA_LOADERS: dict[str, Callable[[Path], Any]] = {}


# Modules that add settings sections or file loaders; imported before anything is read.
FEATURE_MODULES = ["monitor.committees"]
# Mail, digests, subscriptions and the scheduler: their settings sections and the mail step.
FEATURE_MODULES += ["monitor.mail", "monitor.subscriptions", "monitor.scheduler",
                    "monitor.dispatch"]
# Tagging rules (config/matching.toml).
FEATURE_MODULES += ["monitor.matchers"]
# Source health notices to the administrator: a step after the poll.
FEATURE_MODULES += ["monitor.health_mail"]
# The municipality, its coordinator and twinning towns (KS draft, registers, yearly report).
FEATURE_MODULES += ["monitor.organisation"]


def load_config(config_dir: str | Path | None = None) -> Config:
    """Find and validate the whole configuration."""
    import importlib

    for module in FEATURE_MODULES:
        importlib.import_module(module)
    directory = find_config_dir(config_dir)
    settings = load_settings(directory)
    sources = load_sources(directory)
    extras = {name: loader(directory) for name, loader in EXTRA_LOADERS.items()}
    return Config(dir=directory, settings=settings, sources=sources, extras=extras)


def database_path(config: Config, explicit: str | Path | None = None) -> Path:
    """``--db PATH``, else ``$MONITOR_DB``, else the settings file's ``database``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("MONITOR_DB")
    if env:
        return Path(env)
    return config.settings.database


# The decision calendar (meetings.toml) and the applications' tables.
FEATURE_MODULES += ["monitor.meetings", "monitor.applications"]
