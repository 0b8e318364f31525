"""Eligibility as stored and shown: the municipality's settings section and the tags that
carry the eligibility step's decision (:mod:`monitor.matchers.eligibility` makes them).

An item's eligibility is stored as tags: ``eligibility:yes|no|unknown`` (when ``no``, its
evidence starts with the reason in Swedish and in English) and one ``region:<area>`` tag per
programme area or county the item names.
"""

from __future__ import annotations

from typing import Any, Mapping

from monitor.config.settings import MUNICIPALITY_SCHEMA  # [municipality]: name, region

__all__ = ["MUNICIPALITY_SCHEMA", "DIMENSION", "REGION_DIMENSION", "ELIGIBLE", "NOT_ELIGIBLE",
           "UNKNOWN", "read_eligibility", "reason_text"]

# Stored as tags: dimension "eligibility" (yes / no / unknown) and one "region" tag per area.
DIMENSION, REGION_DIMENSION = "eligibility", "region"
ELIGIBLE, NOT_ELIGIBLE, UNKNOWN = "yes", "no", "unknown"


def read_eligibility(tags: list[dict[str, Any]]) -> dict[str, Any]:
    """From an item's stored tag rows: ``regions`` (areas named), ``eligible`` (True,
    False, or None when unknown or not judged), ``eligibility_reason`` (Swedish) and
    ``eligibility_reason_en`` when not eligible, and ``eligibility_evidence``."""
    out: dict[str, Any] = {
        "regions": [t["tag"] for t in tags if t["dimension"] == REGION_DIMENSION],
        "eligible": None, "eligibility_reason": None, "eligibility_reason_en": None,
        "eligibility_evidence": []}
    row = next((t for t in tags if t["dimension"] == DIMENSION), None)
    if row is None:
        return out
    evidence = list(row["evidence"])
    out["eligible"] = {ELIGIBLE: True, NOT_ELIGIBLE: False}.get(row["tag"])
    if row["tag"] == NOT_ELIGIBLE:
        out["eligibility_reason"], out["eligibility_reason_en"] = (evidence + ["", ""])[:2]
        evidence = evidence[2:]
    out["eligibility_evidence"] = evidence
    return out


def reason_text(row: Any, lang: str) -> str | None:
    """The reason an item is not eligible, in ``lang``; None when it is not refused. ``row``:
    a stored item (:class:`monitor.store.rows.StoredItem`), or a parsed item's
    :func:`read_eligibility` fields (``monitor sources test``)."""
    get = row.get if isinstance(row, Mapping) else lambda key: getattr(row, key, None)
    if get("eligible") is not False:
        return None
    return (get("eligibility_reason_en") if lang == "en" else None) or get("eligibility_reason")
