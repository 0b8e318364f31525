"""Matchers: tag items to committee areas and priority areas, with evidence.

Ingest calls :func:`build_tagger` once per run and ``tagger.tag(item)`` for every new or
changed item; the tags replace the item's previous ones. The rules live in
``config/matching.toml`` (read and checked with the rest of the configuration); each table
there is read by the matcher class of that ``kind`` (see :mod:`monitor.matchers.base`).
Every module in this package is imported here, so adding a matcher is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Protocol

from monitor.matchers.base import Matcher, registry
from monitor.matchers.tagger import Tagger as RuleTagger
from monitor.matchers.tagger import load_matching

if TYPE_CHECKING:
    from monitor.config.settings import Config
    from monitor.model import Item, Tag

__all__ = ["Tagger", "RuleTagger", "Matcher", "registry", "build_tagger", "load_matching"]

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")


class Tagger(Protocol):
    """Anything that turns an item into tags."""

    def tag(self, item: "Item") -> list["Tag"]: ...


def build_tagger(config: "Config") -> Tagger | None:
    """The tagger ``config/matching.toml`` describes; None when the file is absent."""
    return config.extras.get("matching")
