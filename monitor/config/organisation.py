"""``[organisation]`` in settings.toml: who the municipality is and who coordinates.

``name`` (``[municipality] name``) heads the KS draft and the yearly report; ``coordinator``
is who records a step in the application and activities registers when no ``--by`` is given;
``twinning_towns`` are the vänorter, whose activities the yearly report lists under
"Vänorter".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from monitor.config.settings import Config, Section, setting

__all__ = ["Organisation", "OrganisationSettings", "organisation", "same_name"]


def _names(value: list) -> str | None:
    return None if all(isinstance(v, str) and v.strip() for v in value) else \
        "must be a list of names"


@dataclass(frozen=True)
class OrganisationSettings(Section):
    """``[organisation]``: the coordinator and the twinning towns."""

    coordinator: str = setting("internationell samordnare", None,
                               "default --by of the registers: the international coordinator")
    twinning_towns: list[str] = setting([], _names, "the twinning towns (vänorter)")


@dataclass(frozen=True)
class Organisation:
    name: str = ""
    coordinator: str = "internationell samordnare"
    twinning_towns: tuple[str, ...] = ()

    def is_twinning_town(self, partner: str | None) -> bool:
        return bool(partner) and any(same_name(partner, town) for town in self.twinning_towns)


def organisation(config: Config) -> Organisation:
    section = config.settings.section("organisation", OrganisationSettings)
    return Organisation(name=config.settings.section("municipality").get("name", ""),
                        coordinator=section.coordinator or Organisation.coordinator,
                        twinning_towns=tuple(section.twinning_towns))


def same_name(a: str, b: str) -> bool:
    """"Cesis" is "Cēsis": names compared without case and diacritics."""
    def fold(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    return fold(a) == fold(b)
