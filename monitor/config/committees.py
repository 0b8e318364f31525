"""Committees (nämnder) and priority areas, from ``config/committees.toml`` and
``config/priorities.toml``. Another municipality replaces those two files and nothing else."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from monitor.config.settings import Config, Key, check_table, read_toml
from monitor.errors import ConfigError

__all__ = ["Committee", "Priority", "load_committees", "load_priorities", "committees",
           "priorities", "check_email"]

_EMAIL_RE = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def check_email(value: str) -> str | None:
    """None when ``value`` is a plain mail address (local@domain.tld), else the problem."""
    return None if _EMAIL_RE.match(value) else f"not a mail address: {value!r}"


@dataclass(frozen=True)
class Committee:
    """A committee: who owns the projects in an area and gets its digest."""

    id: str
    name: str
    name_en: str
    department: str
    email: str
    covers: str

    def display_name(self, lang: str = "sv") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


@dataclass(frozen=True)
class Priority:
    """One of the international policy's priority areas."""

    id: str
    name: str
    name_en: str
    description: str

    def display_name(self, lang: str = "sv") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


COMMITTEE_SCHEMA = {
    "name": Key(str), "name_en": Key(str, ""), "department": Key(str, ""),
    "email": Key(str, check=check_email), "covers": Key(str, ""),
}
PRIORITY_SCHEMA = {"name": Key(str), "name_en": Key(str, ""), "description": Key(str, "")}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _load(path: Path, table: str, schema: dict[str, Key]) -> dict[str, dict]:
    if not path.exists():
        raise ConfigError("file is missing", file=str(path))
    data = read_toml(path)
    extra = sorted(set(data) - {table})
    if extra:
        raise ConfigError("unknown key", file=str(path), key=extra[0], valid=[table])
    entries = data.get(table)
    if not isinstance(entries, dict) or not entries:
        raise ConfigError(f"needs at least one [{table}.<id>] table", file=str(path), key=table)
    out = {}
    for ident, body in entries.items():
        if not _ID_RE.match(ident):
            raise ConfigError("id must be lowercase letters, digits, '-' or '_'",
                              file=str(path), key=f"{table}.{ident}")
        if not isinstance(body, dict):
            raise ConfigError("must be a table", file=str(path), key=f"{table}.{ident}")
        out[ident] = check_table(body, schema, file=path, where=f"{table}.{ident}")
    return out


def load_committees(config_dir: Path) -> dict[str, Committee]:
    raw = _load(config_dir / "committees.toml", "committee", COMMITTEE_SCHEMA)
    return {ident: Committee(id=ident, **body) for ident, body in raw.items()}


def load_priorities(config_dir: Path) -> dict[str, Priority]:
    raw = _load(config_dir / "priorities.toml", "priority", PRIORITY_SCHEMA)
    return {ident: Priority(id=ident, **body) for ident, body in raw.items()}


def committees(config: Config) -> dict[str, Committee]:
    """The configuration's committees, by id (in file order)."""
    return config.extras["committees"]


def priorities(config: Config) -> dict[str, Priority]:
    return config.extras["priorities"]
