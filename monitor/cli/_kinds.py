"""``monitor sources kinds``, ``monitor matchers kinds``, ``monitor mail kinds``: one listing of
a plugin family's registered kinds, each with its docstring and the keys it accepts."""

from __future__ import annotations

from monitor.cli.common import console
from monitor.registry import Registry
from monitor.text.i18n import add_messages, t

__all__ = ["print_kinds"]

add_messages({
    "kinds.keys": {"sv": "Nycklar: {keys}", "en": "Keys: {keys}"},
})


def print_kinds(registry: Registry, lang: str) -> None:
    for cls in registry:
        console.rule(cls.kind)
        console.print(cls.description(), markup=False, highlight=False)
        schema = cls.options_schema()
        if schema:
            keys = ", ".join(f"{key} ({spec.type_name()})" for key, spec in schema.items())
            console.print(t("kinds.keys", lang, keys=keys), markup=False, highlight=False)
