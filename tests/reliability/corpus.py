"""The fuzzing seeds: every recorded or constructed response of every source kind, with the
``[[source]]`` block that reads it.

Shipped sources come from ``config/sources.toml`` with their replay folders (every page they
request: lists, detail pages, API pages); the generic kinds without a shipped source (rss,
html) and the extra SEDIA fixtures are added with blocks written here.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from typing import Any

from monitor.model import Item
from monitor.sources import Source, registry
from tests.conftest import FIXTURES, REPLAY, ROOT
from tests.source_helpers import make_source

EXTRA_SEEDS: list[tuple[dict[str, Any], str, str]] = [
    # (block, fixture path under tests/fixtures, content type)
    ({"kind": "rss", "url": "https://region.example/feed/"},
     "reliability/constructed_feed.rss", "application/rss+xml; charset=utf-8"),
    ({"kind": "rss", "url": "https://funder.example/atom.xml", "item_kind": "legislation"},
     "reliability/constructed_feed.atom", "application/atom+xml"),
    ({"kind": "rss", "url": "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=161"},
     "eu/constructed_eurlex_161.rss", "application/rss+xml"),
    ({"kind": "html", "url": "https://region.example/utlysningar/", "item": "ul.calls > li",
      "date": "time", "summary": "p.intro", "detail": "main"},
     "reliability/constructed_listing.html", "text/html; charset=utf-8"),
    ({"kind": "html", "url": "https://www.regeringen.se/remisser/",
      "item": ".js-filter-result li, ul.list--block > li", "detail": "main"},
     "se/regeringen_remisser_listing.html", "text/html; charset=utf-8"),
    ({"kind": "sedia", "url": "https://api.tech.ec.europa.eu/search-api/prod/rest/search"},
     "eu/sedia_constructed_mixed.json", "application/json"),
    ({"kind": "sedia", "url": "https://api.tech.ec.europa.eu/search-api/prod/rest/search"},
     "eu/sedia_search_cascade_calls_fundhunt.json", "application/json"),
]


@dataclass
class Seed:
    """One response body and the source block that reads it."""

    label: str
    block: dict[str, Any]
    url: str
    content_type: str
    body: bytes = field(repr=False)

    def source(self, name: str = "fuzz") -> Source:
        options = {k: v for k, v in self.block.items() if k not in ("name", "kind", "url")}
        return make_source(self.block["kind"], self.block["url"], name=name, **options)

    def parse(self, body: bytes, source: Source | None = None) -> list[Item]:
        """What ``monitor sources test`` does with a saved response: parse and check."""
        source = source or self.source()
        return source.check_items(source.test_parse(body, url=self.url,
                                                    content_type=self.content_type))


def monitor_kinds() -> set[str]:
    """The source kinds the monitor defines (tests register kinds of their own)."""
    return {cls.kind for cls in registry if cls.__module__.startswith("monitor.")}


def shipped_blocks() -> list[dict[str, Any]]:
    with open(ROOT / "config" / "sources.toml", "rb") as handle:
        return tomllib.load(handle)["source"]


def seeds() -> list[Seed]:
    """Every seed: shipped sources' replayed responses first, then the extra ones."""
    out = []
    for block in shipped_blocks():
        index = REPLAY / block["name"] / "index.json"
        if not index.exists():
            continue
        for entry in json.loads(index.read_text(encoding="utf-8")):
            path = (index.parent / entry["file"]).resolve()
            out.append(Seed(f"{block['name']}:{path.name}", block, entry["url"],
                            entry.get("content_type", ""), path.read_bytes()))
    for block, fixture, content_type in EXTRA_SEEDS:
        path = FIXTURES / fixture
        out.append(Seed(f"{block['kind']}:{path.name}", {"name": "extra", **block},
                        block["url"], content_type, path.read_bytes()))
    return out
