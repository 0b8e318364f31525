"""Re-tagging the whole store after a rule change, in batches, each in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from monitor.matchers.tagger import Tagger
from monitor.model import Item
from monitor.store.database import Store
from monitor.store.rows import StoredItem

__all__ = ["RetagResult", "retag", "item_from_row", "MATCHED_COLUMNS"]

#: what the matchers read of a stored item
MATCHED_COLUMNS = ("id", "source", "native_id", "kind", "title", "summary", "url", "programme",
                   "language", "extra")


@dataclass
class RetagResult:
    """What a re-tag did: items read, items with a committee, items whose tags changed."""

    items: int = 0
    tagged: int = 0
    changed: int = 0


def item_from_row(row: StoredItem) -> Item:
    """The fields the matchers read, from a stored item (with the source's own codes in
    ``extra``: typesOfAction, organ, topics ...)."""
    extra = row.extra
    return Item(source=row.source, native_id=row.native_id, kind=row.kind,
                title=row.title, url=row.url or "", summary=row.summary or "",
                programme=row.programme, language=row.language,
                extra=dict(extra) if isinstance(extra, dict) else {})


def retag(store: Store, tagger: Tagger, *, batch_size: int = 500,
          now: datetime,
          on_batch: Callable[[int], None] | None = None) -> RetagResult:
    """Tag every stored item again; a batch is written in one transaction, so a crash
    leaves whole batches re-tagged and the rest as they were."""
    result = RetagResult()
    last = ""
    while True:
        rows = store.item_batch(last, batch_size, MATCHED_COLUMNS)
        if not rows:
            return result
        before = store.tags_for([row.id for row in rows])
        with store.write():
            for row in rows:
                tags = store.replace_tags(row.id, tagger.tag(item_from_row(row)), now=now)
                old = {(t["dimension"], t["tag"]) for t in before.get(row.id, ())}
                result.changed += old != {(t.dimension, t.tag) for t in tags}
                result.tagged += any(t.dimension == "committee" for t in tags)
        result.items += len(rows)
        last = rows[-1].id
        if on_batch is not None:
            on_batch(len(rows))
