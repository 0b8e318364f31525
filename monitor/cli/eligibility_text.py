"""How ``monitor show`` states eligibility and corrections, in Swedish or English."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from monitor.store.eligibility import read_eligibility, reason_text
from monitor.store.rows import StoredItem
from monitor.text.i18n import add_messages, t

__all__ = ["eligibility_lines", "correction_lines", "item_eligibility", "eligibility_of_tags"]

add_messages({
    "show_regions": {"sv": "Områden", "en": "Areas"},
    "eligibility_no": {"sv": "Ej sökbar för kommunen: {reason}",
                       "en": "Not open to the municipality: {reason}"},
    "show_corrections": {"sv": "Rättelser", "en": "Corrections"},
    "eligibility_not": {"sv": "Ej sökbar för kommunen", "en": "Not open to the municipality"},
    "eligibility_yes": {"sv": "Sökbar för kommunen", "en": "Open to the municipality"},
    "eligibility_unknown": {"sv": "Okänt om kommunen kan söka (programområdet anges inte)",
                            "en": "Unknown whether the municipality can apply (no programme "
                                  "area given)"},
})


def eligibility_lines(row: StoredItem, lang: str) -> list[Text]:
    """One line saying whether the municipality can apply; nothing for legislation."""
    if row.kind != "call" or not any(tag["dimension"] == "eligibility" for tag in row.tags):
        return []
    if row.eligible is False:
        return [Text(t("eligibility_no", lang, reason=reason_text(row, lang)), style="bold")]
    return [Text(t("eligibility_yes" if row.eligible else "eligibility_unknown", lang))]


def item_eligibility(tagger: Any, item: Any) -> dict[str, Any]:
    """``regions``, ``eligible`` and the reasons of an item not stored (``sources test``)."""
    return eligibility_of_tags(tagger.tag(item) if tagger is not None else [])


def eligibility_of_tags(tags: list[Any]) -> dict[str, Any]:
    """:func:`read_eligibility` of tags not yet stored (Tag objects)."""
    return read_eligibility([{"dimension": x.dimension, "tag": x.tag,
                              "evidence": list(x.evidence)} for x in tags])


def correction_lines(row: StoredItem, lang: str) -> list[Text]:
    """"Rättad av anna.l (2026-11-22): Läsfrämjande är kultur (+kfn, −bun)" per correction."""
    lines = []
    for c in row.corrections:
        changes = [f"+{x}" for x in c["add"] + c["add_priorities"]] + \
            [f"−{x}" for x in c["remove"] + c["remove_priorities"]]
        who = c["text_en"] if lang == "en" else c["text"]
        head, _, why = who.partition(": ")
        lines.append(Text(f"  {head} ({c['at'][:10]}): {why} ({', '.join(changes)})"))
    return [Text(t("show_corrections", lang), style="bold"), *lines] if lines else []
