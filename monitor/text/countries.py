"""Country names from ISO 3166-1 codes, in Swedish or English (pycountry's translations).

``country_name("LV")`` → "Lettland"; ``country_name("LV", "en")`` → "Latvia". An unknown code
is shown as it is, never guessed.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

__all__ = ["country_name", "partner_text"]

# The short forms Swedish prose uses (Språkrådet's list of country names) where the ISO
# translation gives the formal or inverted name ("Ryska federationen", "Korea, demokratiska
# folkrepubliken"); for the rest an inverted name keeps its part before the comma.
SWEDISH_SHORT = {"GB": "Storbritannien", "RU": "Ryssland", "SY": "Syrien", "LA": "Laos",
                 "KP": "Nordkorea", "KR": "Sydkorea", "CD": "Kongo-Kinshasa",
                 "CG": "Kongo-Brazzaville", "TW": "Taiwan"}


@lru_cache(maxsize=None)
def _translation(lang: str) -> gettext.NullTranslations:
    import pycountry

    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                               fallback=True)


@lru_cache(maxsize=1024)
def country_name(code: str, lang: str = "sv") -> str:
    """The country's common name in ``lang``; the code itself when it is not a country."""
    import pycountry

    found = pycountry.countries.get(alpha_2=code.strip().upper()) if len(code.strip()) == 2 \
        else None
    if found is None:
        return code
    if lang == "en":
        return getattr(found, "common_name", None) or found.name
    if lang == "sv" and found.alpha_2 in SWEDISH_SHORT:
        return SWEDISH_SHORT[found.alpha_2]
    return _translation(lang).gettext(found.name).split(", ")[0]


def partner_text(pairs: list[tuple[str, str | None]], countries: list[str], lang: str) -> str:
    """"Cēsis (Lettland), Savigny-le-Temple (Frankrike)"; countries without a partner after."""
    named = [(f"{p} ({country_name(c, lang)})" if p else country_name(c, lang)) if c else p
             for p, c in pairs if p or c]
    paired = {c for _, c in pairs if c}
    alone = [country_name(c, lang) for c in countries if c not in paired]
    return ", ".join(named + alone)
