"""Source codes: what a source itself says an item is about, as hints for committees.

Riksdagen names the committee responsible for a report (``organ``: UbU, SoU ...), the EU
portal gives ``typesOfAction``, ``keywords``, ``tags`` and ``crossCuttingPriorities``, Have
your say its ``topics``, EUR-Lex subject descriptors where its feed carries them. Sources
keep these in ``item.extra``; a ``[[code]]`` table turns one of them into points.
"""

from __future__ import annotations

from typing import Any

from monitor.config.settings import Key
from monitor.matchers.base import PATTERN_LIST, Analysis, Matcher, Rules, points_text

__all__ = ["CodeMatcher", "CODE_FIELDS"]

# item.extra keys a [[code]] table may read (as the sources store them)
CODE_FIELDS = ("organ", "types_of_action", "keywords", "tags", "cross_cutting_priorities",
               "topics", "subjects", "doktyp")


def _check_field(value: str) -> str | None:
    return None if value in CODE_FIELDS else \
        f"unknown field {value!r} (valid: {', '.join(CODE_FIELDS)})"


CODE_SCHEMA = {
    "name": Key(str, doc="what the code means, as evidence shows it"),
    "field": Key(str, check=_check_field, doc="which of the source's codes to read"),
    "values": Key(list, check=PATTERN_LIST.check,
                  doc="codes, case ignored; 'word*' is any code that begins so"),
    "committees": Key(dict, doc="committee id = points"),
}


class CodeMatcher(Matcher):
    """[[code]]: a source's own subject code that points at committees.

        [[code]]
        name = "Riksdagen: utbildningsutskottet"
        field = "organ"
        values = ["UbU"]
        committees = { bun = 2, gvn = 2 }

    When the item's ``field`` (kept by its source in ``item.extra``: ``organ``,
    ``types_of_action``, ``keywords``, ``tags``, ``cross_cutting_priorities``, ``topics``,
    ``subjects``) holds one of ``values``, each listed committee gets its points, shown in the
    evidence like a term ("code organ=UbU (Riksdagen: utbildningsutskottet) → bun (+2)").
    A hint counts once per table; keep the points below the threshold so the words of the
    item still have a say.
    """

    kind = "code"
    stage = 50
    options = CODE_SCHEMA

    def __init__(self, table: Any, rules: Rules) -> None:
        super().__init__(table, rules)
        self.codes: list[dict[str, Any]] = []
        for where, code in rules.array(table, self.kind, self.options):
            rules.committee_points(code["committees"], where)
            values = [v.strip().casefold() for v in code["values"]]
            code["exact"] = {v for v in values if not v.endswith("*")}
            code["prefixes"] = tuple(v[:-1] for v in values if v.endswith("*"))
            self.codes.append(code)

    def apply(self, analysis: Analysis) -> None:
        extra, raw = analysis.item.extra, analysis.item.raw
        if not extra and not isinstance(raw, dict):
            return
        for code in self.codes:
            value = extra.get(code["field"])
            if value is None and isinstance(raw, dict):  # a source that kept only its raw row
                value = raw.get(code["field"])
            found = _values(value)
            hit = next((v for v in found if v.casefold() in code["exact"]
                        or (code["prefixes"] and v.casefold().startswith(code["prefixes"]))),
                       None)
            if hit is None:
                continue
            for committee, points in code["committees"].items():
                analysis.add(committee, float(points),
                             f"code {code['field']}={hit} ({code['name']}) → {committee} "
                             f"({points_text(points)})", self.kind)


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value).strip()]
