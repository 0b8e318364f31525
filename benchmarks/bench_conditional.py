"""Re-poll of unchanged sources: how many requests are answered 304 and how many items parsed.

Every shipped source, plus a plain ``rss`` feed and an ``html`` list page, is polled twice
from a real local HTTP server serving the recorded responses (``benchmarks/localsite.py``),
once while the server sends ETags and once while it sends only Last-Modified dates. The
second poll should be all 304 and parse nothing. The EU portal source (``sedia``) POSTs its
query, which HTTP cannot make conditional: it is counted apart.
"""

from __future__ import annotations

from typing import Iterator

from monitor.app import load_config, open_store
from monitor.pipeline.ingest import poll

from .bigstore import NOW, pin_clock
from .common import ROOT, Figure, scratch_config
from .localsite import LocalSite, LocalSiteTransport, get_counts, serve

REPLAY = ROOT / "tests" / "fixtures" / "replay"
GENERIC = """
[[source]]
name = "generic-rss"
kind = "rss"
url = "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=162"
item_kind = "legislation"

[[source]]
name = "generic-html"
kind = "html"
url = "https://www.regeringen.se/remisser/"
item = "ul.list--block > li div.sortcompact"
date = "time"
item_kind = "legislation"
"""


def _poll(config, store, port: int):  # noqa: ANN001, ANN202
    transport = LocalSiteTransport(port)
    reports = poll(config, store, transport=transport, now=NOW)
    failed = [r for r in reports if r.failed]
    if failed:
        raise RuntimeError(f"{failed[0].source}: {failed[0].error}")
    return reports, transport.counts


def _twice(site: LocalSite) -> tuple[tuple[int, int, int], tuple[int, int, int], list[str]]:
    """(GETs, 304s, items) of the first and second poll, and the sources that re-read."""
    server = serve(site)
    try:
        shipped = (ROOT / "config" / "sources.toml").read_text(encoding="utf-8")
        with scratch_config(shipped + GENERIC) as config_dir:
            config = load_config(config_dir)
            with open_store(config_dir.parent / "conditional.db") as store:
                first, counts1 = _poll(config, store, server.server_address[1])
                second, counts2 = _poll(config, store, server.server_address[1])
    finally:
        server.shutdown()
    totals = []
    for reports, counts in ((first, counts1), (second, counts2)):
        rows = list(get_counts(counts))
        totals.append((sum(r[1] for r in rows), sum(r[2] for r in rows),
                       sum(r.items_parsed for r in reports)))
    parsed = {r.source: r.items_parsed for r in second}
    misses = [f"{source} {n304}/{gets} 304, {parsed.get(source, 0)} parsed"
              for source, gets, n304 in get_counts(counts2) if n304 < gets or parsed.get(source)]
    return totals[0], totals[1], misses


def run() -> Iterator[Figure]:
    pin_clock()
    for label, etag in (("etag", True), ("last_modified", False)):
        site = LocalSite(etag=etag, last_modified=not etag)
        site.add_replay(REPLAY)
        (gets1, _, items1), (gets2, n304, items2), misses = _twice(site)
        yield Figure(f"repoll_304_share ({label})", n304 / gets2 if gets2 else 0.0, "share",
                     baseline=f"{n304}/{gets2} GETs of every GET source; first poll {gets1} GETs"
                              + (f"; not 304: {'; '.join(misses)}" if misses else ""),
                     goal="1.0 (all 304)")
        yield Figure(f"repoll_items_parsed ({label})", items2, "items",
                     baseline=f"first poll parsed {items1}; eu-funding (POST) excluded from "
                              f"304 share, its items counted", goal="only the POST source's")
