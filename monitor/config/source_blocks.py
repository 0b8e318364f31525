"""The ``[[source]]`` blocks of ``sources.toml``: each checked against the keys every source
has and the options its kind declares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from monitor.config.schema import REQUIRED, Key, check_http_url, check_table, positive, read_toml
from monitor.errors import ConfigError

__all__ = ["SourceConfig", "SOURCE_COMMON", "load_sources"]


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
    "degraded_after": Key(int, 3, positive,
                          doc="polls in a row with zero items before the source is degraded"),
    "failing_after": Key(int, 3, positive,
                         doc="failed polls in a row before the source is failing"),
    "failing_days": Key(int, 7, positive,
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
