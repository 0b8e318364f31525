"""Source.option() gives real defaults, also for a source built without sources.toml."""

from __future__ import annotations

from monitor.config.settings import SourceConfig
from monitor.sources import registry
from tests.conftest import NOW


def _bare(kind: str):  # noqa: ANN202
    return registry.get(kind)(SourceConfig(name="s", kind=kind, url="https://example.org/"),
                              now=NOW)


def test_a_factory_default_is_called_and_never_shared():
    first, second = _bare("sedia"), _bare("sedia")
    assert first.option("languages") == ["en"]
    first.option("languages").append("sv")
    assert second.option("languages") == ["en"] == first.option("languages")


def test_every_kinds_defaults_are_values_not_factories():
    for cls in registry:
        source = _bare(cls.kind)
        for key, spec in cls.options.items():
            value = source.option(key)
            assert not callable(value), (cls.kind, key, value)
            if callable(spec.default):
                assert value == spec.default()
            else:
                assert value is spec.default


def test_a_configured_value_wins():
    source = registry.get("sedia")(SourceConfig(name="s", kind="sedia", url="https://e.org/",
                                                options={"languages": ["sv"]}), now=NOW)
    assert source.option("languages") == ["sv"]
