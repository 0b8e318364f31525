"""The schema of every configuration file: :class:`Key`, validation and typed sections.

A file's allowed keys are a :class:`Key` schema (type, default, check, doc) and
:func:`check_table` validates a parsed TOML table against it, so every file reports a mistake
the same way (file, key, cause, valid choices). A ``settings.toml`` section is a frozen
dataclass whose fields are written with :func:`setting`; :func:`schema_of` derives its
``Key`` schema from the fields and :func:`build_section` turns a table into the typed object.
This module reads no file but the one it is given and knows no section.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from monitor.errors import ConfigError

__all__ = ["Key", "REQUIRED", "check_table", "read_toml", "check_http_url", "one_of",
           "positive", "not_negative", "setting", "schema_of", "build_section",
           "with_environment", "Section"]

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

def one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}, got {value!r}"
    return check


def positive(value: float) -> str | None:
    return None if value > 0 else f"must be greater than 0, got {value}"


def not_negative(value: float) -> str | None:
    return None if value >= 0 else f"must be 0 or more, got {value}"

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
