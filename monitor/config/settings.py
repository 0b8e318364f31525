"""Configuration: the TOML files under ``config/`` read into typed settings.

Where the configuration lives: ``--config DIR``, else ``$MONITOR_CONFIG``, else ``./config``
(and, when the monitor runs from a source checkout elsewhere, the checkout's ``config/``).
Every file is validated completely before anything runs: an unknown key, a wrong type or a
TOML syntax error raises :class:`~monitor.errors.ConfigError` naming the file, the key or line
and the valid choices. Other modules declare their own sections with :class:`Key` schemas and
validate them with :func:`check_table`, so all files report mistakes the same way.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
    "read_config",
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
        return f"unknown time zone {value!r} (for example {DEFAULT_TIMEZONE})"
    return None


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}, got {value!r}"
    return check


def _positive(value: float) -> str | None:
    return None if value > 0 else f"must be greater than 0, got {value}"


def _not_negative(value: float) -> str | None:
    return None if value >= 0 else f"must be 0 or more, got {value}"


#: the time zone dates are read and shown in unless settings.toml says otherwise; every module
#: takes the zone from the settings, this is the only place it is written
DEFAULT_TIMEZONE = "Europe/Stockholm"

DEFAULT_USER_AGENT = ("kommun-monitor/0.1 (funding and horizon-scanning monitor; "
                      "contact: the municipality's international coordinator)")

def setting(default: Any, check: Callable[[Any], str | None] | None = None, doc: str = "", *,
            key: str | None = None, env: str | None = None, in_file: bool = True) -> Any:
    """A field of a settings dataclass: its default (written once, here), check and doc.

    ``key`` is the TOML key when it differs from the field name; ``env`` an environment
    variable that overrides the value (checked like the file's value); ``in_file=False``
    for a value only the environment gives (a password).
    """
    meta = {"check": check, "doc": doc, "key": key, "env": env, "in_file": in_file}
    if isinstance(default, (list, dict)):
        copy = default.copy
        return field(default_factory=copy, metadata=meta)
    return field(default=default, metadata=meta)


_TOML_TYPES = {str: str, int: int, float: float, bool: bool, list: list, dict: dict, Path: str}


def _file_fields(cls: type) -> list[tuple[Any, str, type]]:
    """(dataclass field, TOML key, TOML type) of every field the settings file may set."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if not f.metadata.get("in_file", False):
            continue
        kind = typing.get_origin(hints[f.name]) or hints[f.name]
        out.append((f, f.metadata.get("key") or f.name, _TOML_TYPES[kind]))
    return out


def schema_of(cls: type) -> dict[str, Key]:
    """The :class:`Key` schema of a settings dataclass, derived from its fields."""
    schema = {}
    for f, key, toml_type in _file_fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory
        if isinstance(default, Path):
            default = str(default)
        schema[key] = Key(toml_type, default, f.metadata["check"], f.metadata["doc"])
    return schema


def build_section(cls: type, table: Mapping[str, Any], *, file: str | Path, where: str) -> Any:
    """Validate ``table`` against ``cls``'s schema and return the typed settings object."""
    values = check_table(table, schema_of(cls), file=file, where=where)
    hints = typing.get_type_hints(cls)
    kwargs = {f.name: values[key] for f, key, _ in _file_fields(cls)}
    for name, value in kwargs.items():
        if hints[name] is Path:
            kwargs[name] = Path(value)
    return cls(**kwargs)


def with_environment(section: Any, environ: Mapping[str, str]) -> Any:
    """``section`` with the environment variables its fields declare (``setting(env=...)``),
    each converted to the field's type and checked by the same check as the file's value."""
    hints = typing.get_type_hints(type(section))
    changes = {}
    for f in dataclasses.fields(section):
        variable = f.metadata.get("env")
        raw = environ.get(variable) if variable else None
        if raw is None or raw.strip() == "":
            continue
        value = _from_environment(variable, raw.strip(), hints[f.name], f.metadata.get("check"))
        changes[f.name] = Path(value) if hints[f.name] is Path else value
    return dataclasses.replace(section, **changes) if changes else section


def _from_environment(variable: str, raw: str, kind: Any,
                      check: Callable[[Any], str | None] | None) -> Any:
    try:
        value = kind(raw) if kind in (int, float) else raw
    except ValueError:
        raise ConfigError(f"must be a number, got {raw!r}", file="environment",
                          key=variable) from None
    problem = check(value) if check is not None and kind is not Path else None
    if problem:
        raise ConfigError(problem, file="environment", key=variable)
    return value


class Section:
    """Read access by TOML key (``section["from"]``, ``section.get("name")``) to a typed
    section, for code that reads a section as the table it was written as."""

    def _key_fields(self) -> dict[str, str]:
        return {f.metadata.get("key") or f.name: f.name for f in dataclasses.fields(self)
                if f.metadata.get("in_file", False)}

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, self._key_fields()[key])
        except KeyError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def keys(self) -> list[str]:
        return list(self._key_fields())


@dataclass(frozen=True)
class HttpSettings(Section):
    """``[http]``: how the shared HTTP client behaves."""

    timeout: float = setting(30.0, _positive, "seconds to connect, and between bytes read")
    user_agent: str = setting(DEFAULT_USER_AGENT)
    max_body_bytes: int = setting(20 * 1024 * 1024, _positive, "a larger response is aborted")
    retries: int = setting(3, _not_negative, "retries on 429, 5xx and network errors")
    backoff: float = setting(1.0, _not_negative, "first retry wait in seconds, doubled each time")
    max_retry_after: float = setting(300.0, _not_negative,
                                     "longest Retry-After honoured; a longer one fails the source")
    max_redirects: int = setting(5, _not_negative)
    max_pages: int = setting(50, _positive, "page limit per source and poll")


@dataclass(frozen=True)
class Settings:
    """``config/settings.toml`` after validation: the top-level keys, ``[http]``, and each
    feature's section as its own typed object (``section("mail")``)."""

    database: Path = setting(Path("../data/monitor.db"), None,
                             "SQLite file, relative to the configuration folder (MONITOR_DB "
                             "and --db override, relative to the working directory)")
    timezone: str = setting(DEFAULT_TIMEZONE, _check_timezone, "time zone for dates shown")
    language: str = setting("sv", _one_of("sv", "en"), "language of CLI messages and mail")
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


def load_settings(config_dir: Path, sections: Mapping[str, type] | None = None) -> Settings:
    """Read ``settings.toml`` (absent file: all defaults).

    ``sections`` are the features' settings dataclasses by section name (``mail``,
    ``schedule`` ...), given by the composition root (:mod:`monitor.app`); ``[http]`` is
    and ``[municipality]`` are always known.
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
    built: dict[str, Any] = {}
    for name, cls in classes.items():
        raw = raw_sections.get(name, {})
        if not isinstance(raw, dict):
            raise ConfigError("must be a table ([section])", file=str(path), key=name)
        built[name] = build_section(cls, raw, file=path, where=name)
    http = built.pop("http")
    return Settings(database=beside(config_dir, top["database"]), timezone=top["timezone"],
                    language=top["language"], http=http, sections=built, file=path)


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
    "failing_after": Key(int, 3, _positive,
                         doc="failed polls in a row before the source is failing"),
    "failing_days": Key(int, 7, _positive,
                        doc="days without a successful poll before the source is failing"),
    "description": Key(str, "", doc="free text for people reading the configuration"),
    "allowed_hosts": Key(list, list, lambda v: None if all(isinstance(h, str) for h in v)
                         else "must be a list of host names",
                         doc="other hosts this source may fetch from (detail pages, APIs)"),
}


def load_sources(config_dir: Path, registry: Any) -> tuple[SourceConfig, ...]:
    """Read and validate every ``[[source]]`` block against its kind's declared keys.

    ``registry`` is the source classes by kind (:data:`monitor.sources.registry`, passed in by
    the composition root so that this module imports no feature).
    """
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


# A loader reads one more file (committees, priorities, meetings ...) from the folder, given
# the settings already read; load_config runs them all, so a mistake in any file stops the
# monitor before it writes anything.
Loader = Callable[[Path, Settings], Any]


def read_config(config_dir: str | Path | None, *, sections: Mapping[str, type],
                loaders: Mapping[str, Loader], source_kinds: Any) -> Config:
    """Find and validate the whole configuration with the features' sections and loaders.

    The application calls this through :func:`monitor.app.load_config`, which knows the
    features; this module knows none of them.
    """
    directory = find_config_dir(config_dir)
    settings = load_settings(directory, sections)
    sources = load_sources(directory, source_kinds)
    extras = {name: loader(directory, settings) for name, loader in loaders.items()}
    return Config(dir=directory, settings=settings, sources=sources, extras=extras)


def database_path(config: Config, explicit: str | Path | None = None) -> Path:
    """``--db PATH``, else ``$MONITOR_DB``, else the settings file's ``database``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("MONITOR_DB")
    if env:
        return Path(env)
    return config.settings.database

