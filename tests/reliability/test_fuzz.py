"""1,000 mutated feeds, pages and API responses through every source kind's parser, and a
sample through a real replayed poll: nothing escapes, each failure is that source's error.

The seeds are every recorded or constructed response of every kind (tests/reliability/
corpus.py); the mutations are seeded (tests/reliability/mutate.py), so a failure is
reproducible: the assertion names the seed response and the operations. A longer run with
larger values is ``python -m benchmarks`` (bench_fuzz).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from monitor.app import load_config, open_store
from monitor.errors import ParseError, SourceError
from monitor.pipeline.ingest import poll
from tests.conftest import NOW, REPLAY, ROOT
from tests.hermetic import replaced
from tests.reliability.corpus import Seed, monitor_kinds, seeds
from tests.reliability.mutate import Mutator

MUTATIONS = 1000
SEED = 20261122
POLLED = 30  # mutated sources in the replayed poll
GOOD = "eu-funding"  # the untouched source polled alongside them


def test_every_kind_has_seeds_that_parse() -> None:
    corpus = seeds()
    assert {s.block["kind"] for s in corpus} == monitor_kinds()
    empty = [s.label for s in corpus if not s.parse(s.body)]
    assert sorted(empty) == [  # answers that are empty by design
        "esf:constructed_esf_wp_posts_empty.json",
        "regeringen-remisser:constructed_regeringen_filter_empty.json",
        "riksdagen:constructed_riksdagen_dokumentlista_ds_empty.json"]


def run_mutations(corpus: list[Seed], count: int, mutator: Mutator) -> tuple[Counter, list[str]]:
    """Parse ``count`` mutated bodies; the outcomes, and what escaped (with how to get it)."""
    outcomes: Counter = Counter()
    escaped = []
    for i in range(count):
        seed = corpus[i % len(corpus)]
        body, operations = mutator.mutate(seed.body)
        try:
            items = seed.parse(body)
        except ParseError as exc:
            outcomes["parse error"] += 1
            if "://" not in str(exc):  # every parse error names the address it is about
                escaped.append(f"#{i} {seed.label} {operations}: ParseError without a "
                               f"place: {exc!r}")
        except SourceError:
            outcomes["other source error"] += 1
        except Exception as exc:  # noqa: BLE001 - exactly what this test looks for
            escaped.append(f"#{i} {seed.label} {operations}: {type(exc).__name__}: {exc}"[:300])
        else:
            outcomes["parsed" if items else "zero items"] += 1
    return outcomes, escaped


def test_1000_mutations_through_every_parser(figure) -> None:  # noqa: ANN001
    outcomes, escaped = run_mutations(seeds(), MUTATIONS, Mutator(SEED))
    assert escaped == [], "\n".join(escaped[:20])
    assert sum(outcomes.values()) == MUTATIONS
    figure(f"{MUTATIONS:,} mutations over {len(seeds())} responses of "
           f"{len(monitor_kinds())} kinds: {len(escaped)} escaped exceptions, "
           f"{outcomes['parse error']} recorded parse errors, {outcomes['parsed']} parsed, "
           f"{outcomes['zero items']} with zero items")


def shipped_block_texts() -> dict[str, str]:
    """Each shipped ``[[source]]`` block's text, by source name."""
    text = (ROOT / "config" / "sources.toml").read_text(encoding="utf-8")
    blocks = {}
    for block in re.split(r"(?m)^\[\[source\]\][ \t]*$", text)[1:]:
        name = re.search(r'(?m)^name = "([^"]+)"', block).group(1)
        blocks[name] = "[[source]]" + block
    return blocks


def mutated_replay(folder: Path, name: str, seed: Seed, body: bytes) -> None:
    """The seed's source's replay folder under ``name``, with the seed's response mutated."""
    source = seed.block["name"]
    entries = json.loads((REPLAY / source / "index.json").read_text(encoding="utf-8"))
    target = folder / name
    target.mkdir(parents=True)
    for n, entry in enumerate(entries):
        original = (REPLAY / source / entry["file"]).resolve()
        entry["file"] = f"{n:02d}.body"
        data = body if original.name == seed.label.split(":", 1)[1] else original.read_bytes()
        (target / entry["file"]).write_bytes(data)
    (target / "index.json").write_text(json.dumps(entries), encoding="utf-8")


def test_poll_of_mutated_sources_records_errors_and_others_complete(config_dir, tmp_path,  # noqa: ANN001
                                                                    figure):
    shipped = [s for s in seeds() if s.block["name"] != "extra"]
    texts = shipped_block_texts()
    replay = tmp_path / "replay"
    mutator = Mutator(SEED + 1)
    blocks = [texts[GOOD]]
    (replay / GOOD).mkdir(parents=True)
    for entry in json.loads((REPLAY / GOOD / "index.json").read_text(encoding="utf-8")):
        (replay / GOOD / entry["file"]).write_bytes((REPLAY / GOOD / entry["file"]).read_bytes())
    (replay / GOOD / "index.json").write_bytes((REPLAY / GOOD / "index.json").read_bytes())
    for j in range(POLLED):
        seed = shipped[(j * 7) % len(shipped)]  # spread over every shipped source
        name = f"fuzz-{j:02d}"
        body, _ = mutator.mutate(seed.body)
        mutated_replay(replay, name, seed, body)
        blocks.append(replaced(texts[seed.block["name"]],
                               f'name = "{seed.block["name"]}"', f'name = "{name}"', 1))
    (config_dir / "sources.toml").write_text("\n".join(blocks), encoding="utf-8")
    config = load_config(config_dir)
    with open_store(config.settings.database) as store:
        reports = {r.source: r for r in poll(config, store, replay=replay, now=NOW)}
        polls = {source: (outcome, error) for source, outcome, error in store.conn.execute(
            "SELECT source, outcome, error FROM polls").fetchall()}
    assert len(reports) == POLLED + 1
    good = reports.pop(GOOD)
    assert good.outcome == "ok" and good.new == 8, good.error
    unexpected = [f"{r.source}: {r.error}" for r in reports.values()
                  if r.error and r.error.startswith("unexpected")]
    assert unexpected == [], unexpected
    failed = [r for r in reports.values() if r.failed]
    for report in failed:
        assert report.error and polls[report.source] == ("error", report.error)
    zero = sum(1 for r in reports.values() if r.outcome == "ok" and r.items_parsed == 0)
    figure(f"{POLLED} mutated sources in one replayed poll: {POLLED - len(failed)} stored "
           f"({zero} with zero items), {len(failed)} recorded errors, 0 unexpected; the "
           f"untouched source stored its {good.new} items")
