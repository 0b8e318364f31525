"""The wiring: no import cycle, a configuration module that knows no feature, one root.

The import graph is built from the source text (every ``import`` statement, also the deferred
ones inside functions and under ``TYPE_CHECKING``, and ``importlib.import_module``), not from
what happens to be imported at run time, so a cycle hidden in a function body counts too.
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

from monitor import app
from monitor.pipeline.jobs import JobResult, StepContext, run_steps
from monitor.store.database import Store
from tests.conftest import NOW

PACKAGE = Path(app.__file__).resolve().parent
ROOT = PACKAGE.parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _package_of(name: str, path: Path) -> list[str]:
    return name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]


def _resolve(name: str) -> str | None:
    """The monitor module ``name`` is, or is inside (``monitor.x.y`` → ``monitor.x``)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _dynamic_target(call: ast.Call, name: str, path: Path) -> set[str]:
    """The modules an ``import_module(...)`` call can load; unknown ones fail the test."""
    arg = call.args[0] if call.args else None
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return {m for m in [_resolve(arg.value)] if m}
    # The package idiom: import_module(f"{__name__}.{module.name}") over pkgutil.iter_modules
    if (isinstance(arg, ast.JoinedStr) and path.name == "__init__.py" and arg.values
            and isinstance(arg.values[0], ast.FormattedValue)
            and isinstance(arg.values[0].value, ast.Name) and arg.values[0].value.id == "__name__"):
        return {m for m in MODULES if m.rpartition(".")[0] == name}
    raise AssertionError(f"{path}:{call.lineno}: import_module with an argument this test "
                         "cannot follow; import the module by name")


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        package = _package_of(name, path)
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets |= {m for a in node.names if (m := _resolve(a.name))}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[:len(package) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                for alias in node.names:
                    target = f"{module}.{alias.name}"
                    resolved = target if target in MODULES else _resolve(module)
                    if resolved:
                        targets.add(resolved)
            elif (isinstance(node, ast.Call)
                  and (getattr(node.func, "attr", None) == "import_module"
                       or getattr(node.func, "id", None) == "import_module")):
                targets |= _dynamic_target(node, name, path)
        targets.discard(name)
        graph[name] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path ``a → b → … → a``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_the_graph_sees_deferred_and_dynamic_imports():
    graph = import_graph()
    assert "monitor.pipeline.ingest" in graph["monitor.pipeline.jobs"]  # deferred, inside run_main_job
    assert "monitor.sources.rss" in graph["monitor.sources"]  # import_module over the package
    assert "monitor.digests.dispatch" in graph["monitor.app"]  # deferred, inside a step


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_config_imports_no_feature():
    # its schema and [[source]] parts, errors, and the message and date-text leaves they use
    assert reachable(import_graph(), "monitor.config.settings") == {
        "monitor.config.schema", "monitor.config.source_blocks", "monitor.errors",
        "monitor.text.i18n", "monitor.text.when"}


def test_store_imports_no_feature():
    allowed = {"monitor.errors", "monitor.text.i18n", "monitor.model", "monitor.text.dates",
               "monitor.store.corrections", "monitor.store.eligibility", "monitor.config.settings", "monitor.text.when",
               "monitor.store.search", "monitor.text.stemming",  # its full-text index, the stemmer
               "monitor.config.schema", "monitor.config.source_blocks",  # config's own parts
               "monitor.store.schema", "monitor.store.rows", "monitor.store.queries",
               "monitor.store.polls", "monitor.store.groups", "monitor.store.calls",
               "monitor.store.sql"}  # its parts
    assert reachable(import_graph(), "monitor.store.database") <= allowed


def test_only_the_root_knows_every_feature():
    graph = import_graph()
    importers = {name for name, targets in graph.items() if "monitor.app" in targets}
    assert importers <= {m for m in MODULES if m.startswith("monitor.cli")} | {"monitor.__main__"}


def test_store_creates_the_tables_the_root_gives_it(tmp_path):
    with Store(tmp_path / "core.db", tables=()) as core:
        core_tables = set(core.db.table_names())
    with app.open_store(tmp_path / "all.db") as full:
        all_tables = set(full.db.table_names())
    assert "items" in core_tables and "subscriptions" not in core_tables
    assert {"subscriptions", "deliveries", "source_health", "applications"} <= all_tables
    assert not core_tables - all_tables


def test_features_declare_sections_loaders_tables_and_steps_in_order():
    names = [f.name for f in app.FEATURES]
    assert len(names) == len(set(names))
    sections = [s for f in app.FEATURES for s in f.sections]
    assert sections == ["mail", "digest", "schedule", "organisation", "web"]
    loaders = [name for f in app.FEATURES for name in f.loaders]
    assert loaders == ["committees", "priorities", "matching", "meetings"]
    assert [name for name, _ in app.after_poll_steps()] == ["health", "meetings", "mail"]


def test_a_failing_step_is_logged_with_its_traceback_and_the_rest_run(caplog, tmp_path):
    ran = []

    def broken(context: StepContext) -> str:
        raise KeyError("a bug")

    def fine(context: StepContext) -> str:
        ran.append("fine")
        return "done"

    result = JobResult(reports=[])
    context = StepContext(config=None, store=None, now=None, reports=[])  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="monitor.pipeline.jobs"):
        run_steps([("broken", broken), ("fine", fine)], context, result)
    assert ran == ["fine"]
    assert result.steps == [("fine", "done")]
    assert result.step_errors == [("broken", "unexpected KeyError: 'a bug'")]
    [record] = caplog.records
    assert "broken" in record.getMessage() and record.exc_info is not None
    assert "KeyError" in caplog.text and "Traceback" in caplog.text


def test_the_main_job_runs_the_declared_steps(config, tmp_path, monkeypatch):
    order = []
    monkeypatch.setattr(app, "after_poll_steps", lambda features=app.FEATURES: (
        ("one", lambda c: order.append("one")), ("two", lambda c: order.append("two"))))
    with app.open_store(tmp_path / "m.db") as store:
        result = app.run_main_job(config, store, names=["eu-funding"],
                                  replay=ROOT / "tests/fixtures/replay", now=NOW)
    assert order == ["one", "two"] and not result.step_errors


MAX_LINES = 400
#: modules allowed over the limit while their split is under way (none since the store,
#: faststart and plugins splits merged); the test fails for an entry no longer over it, so
#: none is left behind.
ALLOWED_OVER_400: set[str] = set()


def _line_counts() -> dict[str, int]:
    return {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
            for path in MODULES.values()}


def test_no_module_is_over_400_lines():
    counts = _line_counts()
    over = {name: n for name, n in counts.items() if n > MAX_LINES}
    assert sorted(set(over) - ALLOWED_OVER_400) == [], \
        f"modules over {MAX_LINES} lines (split them along a real seam): " \
        f"{ {name: over[name] for name in sorted(set(over) - ALLOWED_OVER_400)} }"
    stale = sorted(name for name in ALLOWED_OVER_400 if counts.get(name, 0) <= MAX_LINES)
    assert stale == [], f"no longer over {MAX_LINES} lines (or gone): remove from " \
                        f"ALLOWED_OVER_400: {stale}"


def test_the_line_count_sees_every_module():
    counts = _line_counts()
    assert "monitor/text/dates.py" in counts and "monitor/sources/base.py" in counts
    assert "monitor/app.py" in counts and "monitor/sources/__init__.py" in counts
    assert all(n > 0 for name, n in counts.items() if not name.endswith("__init__.py"))
