"""Matchers: tag items to committee areas and priority areas, with evidence.

Ingest calls :func:`build_tagger` once per run and ``tagger.tag(item)`` for every new or
changed item; the tags replace the item's previous ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..config import Config
    from ..model import Item, Tag

__all__ = ["Tagger", "build_tagger"]


class Tagger(Protocol):
    """Anything that turns an item into tags."""

    def tag(self, item: "Item") -> list["Tag"]: ...


def build_tagger(config: "Config") -> Tagger | None:
    """The tagger the configuration describes; None while no matcher is configured."""
    return None
