"""One measured run in its own process, so peak memory figures do not mix (``bench_memory``).

``python -m benchmarks.memory_child MODE CONFIG_DIR DB [PORT]`` prints one JSON object:
``{"rss_mb": peak resident set size, "seconds": ..., "items": ...}``. Modes: ``idle``
(imports, configuration and store opened: the floor), ``poll`` (poll every configured source
through the local site on PORT), ``digest`` (the week's digests of ``bench_digest``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from monitor.app import load_config, open_store
from monitor.pipeline.ingest import poll

from .bench_digest import week_digests
from .bigstore import NOW
from .common import peak_rss_mb
from .localsite import LocalSiteTransport


def main(mode: str, config_dir: str, db: str, port: str = "0") -> dict[str, float]:
    config = load_config(Path(config_dir))
    started = time.perf_counter()
    items = 0
    with open_store(db) as store:
        if mode == "poll":
            reports = poll(config, store, transport=LocalSiteTransport(int(port)), now=NOW)
            failed = [r.error for r in reports if r.failed]
            if failed:
                raise SystemExit(f"poll failed: {failed[0]}")
            items = sum(r.items_parsed for r in reports)
        elif mode == "digest":
            items = week_digests(config, store)[3]
        elif mode != "idle":
            raise SystemExit(f"unknown mode {mode!r}")
    return {"rss_mb": peak_rss_mb(), "seconds": time.perf_counter() - started, "items": items}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
