"""Tagging quality: macro-F1 per field on the labelled sets, with the shipped rules.

The shared development set (``/work/shared/eval/labelled-dev.jsonl``, when this machine has
it) and every labelled set in ``tests/fixtures/tagging/`` (the copy of the development set,
and the held-out set the rules were not tuned on). Scored by ``monitor.matchers.evaluate``,
as ``monitor eval`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from monitor.app import load_config
from monitor.matchers.evaluate import LineError, evaluate, read_items

from .common import ROOT, Figure

SHARED = Path("/work/shared/eval/labelled-dev.jsonl")


def labelled_sets() -> list[tuple[str, Path]]:
    sets = [("shared/" + SHARED.name, SHARED)] if SHARED.exists() else []
    return sets + [(f"fixtures/{p.name}", p)
                   for p in sorted((ROOT / "tests" / "fixtures" / "tagging").glob("*.jsonl"))]


def run() -> Iterator[Figure]:
    tagger = load_config(ROOT / "config").extras["matching"]
    for label, path in labelled_sets():
        with path.open(encoding="utf-8") as lines:
            records = list(read_items(lines, labels=True))
        errors = [r for r in records if isinstance(r, LineError)]
        report = evaluate(tagger, [r for r in records if not isinstance(r, LineError)])
        note = f"{report.items} items, {len(report.misses)} with a difference" + (
            f", {len(errors)} unreadable lines" if errors else "")
        yield Figure(f"macro_f1_committees {label}", report.committees.macro_f1, "F1",
                     baseline=note + f"; {report.none_tagged}/{report.none_total} items "
                                     "labelled with no committee got one")
        yield Figure(f"macro_f1_priorities {label}", report.priorities.macro_f1, "F1",
                     baseline=note)
