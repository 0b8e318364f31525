"""The benchmark item generator is deterministic and varied; kinds register once."""

from __future__ import annotations

import pytest

from benchmarks.synthetic import synthetic_items
from monitor.matchers.base import Matcher, registry


def test_synthetic_items_are_deterministic_and_varied():
    items = synthetic_items(300, seed=3)
    assert items == synthetic_items(300, seed=3)
    assert items != synthetic_items(300, seed=4)
    assert {i.kind for i in items} == {"call", "legislation"}
    assert {i.language for i in items} == {"sv", "en"}
    assert len({i.id for i in items}) == 300
    assert len({i.title for i in items}) > 100
    assert all(i.deadlines for i in items if i.kind == "call")


def test_a_matcher_kind_defined_twice_is_refused():
    own = [k for k in registry.kinds() if registry.get(k).__module__.startswith("monitor.")]
    assert own == ["code", "eligibility", "exclude", "priority", "programme",
                   "terms"]  # tests may define more
    with pytest.raises(RuntimeError, match="matcher kind 'terms' defined twice"):
        type("OtherTerms", (Matcher,), {"kind": "terms"})


def test_a_kind_a_test_defines_is_gone_after_it():
    """Together with the next test: the autouse ``_registries`` fixture restores the
    registries, whichever of the two runs first."""
    type("ScratchMatcher", (Matcher,), {"kind": "scratch-kind"})
    assert "scratch-kind" in registry.kinds()


def test_no_kind_left_over_from_another_test():
    assert "scratch-kind" not in registry.kinds()
