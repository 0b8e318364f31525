"""Programme hints: a funding programme or action that says which committee it is for."""

from __future__ import annotations

from typing import Any

from monitor.config.settings import Key
from monitor.matchers.base import PATTERN_LIST, Analysis, Matcher, Rules, add_patterns, points_text
from monitor.model import CALL, LEGISLATION

__all__ = ["ProgrammeMatcher", "FIELDS", "YOUTH_SIGNALS"]

FIELDS = ("title", "summary", "programme")
KINDS = (CALL, LEGISLATION)
# What a programme says about who travels: young people on their own exchanges ("own"),
# young people together with staff or schools ("with-staff"), staff ("staff").
YOUTH_SIGNALS = ("own", "with-staff", "staff")


def _check_fields(value: list) -> str | None:
    bad = [v for v in value if v not in FIELDS]
    return f"unknown field {bad[0]!r} (valid: {', '.join(FIELDS)})" if bad else None


def _check_youth(value: str) -> str | None:
    return None if value in YOUTH_SIGNALS else \
        f"must be one of {', '.join(YOUTH_SIGNALS)}, got {value!r}"


def _check_kinds(value: list) -> str | None:
    bad = [v for v in value if v not in KINDS]
    return f"unknown kind {bad[0]!r} (valid: {', '.join(KINDS)})" if bad else None


def _non_empty(value: list) -> str | None:
    return PATTERN_LIST.check(value) or (None if value else "needs at least one pattern")


HINT_SCHEMA = {
    "name": Key(str, doc="the programme or action, as evidence shows it"),
    "match": Key(list, check=_non_empty, doc="names, codes or phrases that identify it"),
    "fields": Key(list, list(FIELDS), _check_fields, doc="where to look"),
    "kinds": Key(list, lambda: list(KINDS), _check_kinds,
                 doc="which kinds of item the hint is for (call, legislation)"),
    "committees": Key(dict, dict, doc="committee id = points"),
    "youth": Key(str, "", lambda v: None if v == "" else _check_youth(v)),
    "fallback": Key(bool, False, doc="the points count only when no committee is tagged "
                                     "without them or the title names no theme"),
}


class ProgrammeMatcher(Matcher):
    """[[programme]]: programmes and actions that point at committees.

        [[programme]]
        name = "Nordplus Junior"
        match = ["nordplus junior"]
        committees = { bun = 4, gvn = 4 }
        youth = "with-staff"

    ``match`` patterns are looked for in the item's programme, title and summary (or the
    ``fields`` given), in calls and legislation (or the ``kinds`` given); when one is found
    each listed committee gets its points. ``youth`` says who travels in that programme:
    ``own`` (young people's own exchanges), ``with-staff`` (pupils or young people together
    with staff or schools) or ``staff``; the priority rules read it. ``fallback = true`` is
    for a programme open to any theme (Interreg, Svenska institutet): its points count only
    when no committee reaches the threshold without them, so a call that states no theme
    still reaches the committee that coordinates such cooperation, or when no term of the
    title names a theme (the programme's own round across all its priorities goes there
    beside the themes of its text). A hint inside a longer one (``Interreg`` inside
    ``Interreg Europe``) gives way to the longer one.
    """

    kind = "programme"
    stage = 50
    options = HINT_SCHEMA

    def __init__(self, table: Any, rules: Rules) -> None:
        super().__init__(table, rules)
        self.hints: list[dict[str, Any]] = []
        for where, hint in rules.array(table, self.kind, self.options):
            rules.committee_points(hint["committees"], where)
            hint["fields"] = frozenset(hint["fields"])
            hint["kinds"] = frozenset(hint["kinds"])
            self.hints.append(hint)
            add_patterns(rules, hint["match"], lang="any", owner=self.kind,
                         payload=len(self.hints) - 1, where=f"{where}.match")

    def apply(self, analysis: Analysis) -> None:
        seen: set[int] = set()
        for match in analysis.owned(self.kind):
            index = match.pattern.payload
            hint = self.hints[index]
            if index in seen or match.field not in hint["fields"] \
                    or analysis.item.kind not in hint["kinds"]:
                continue
            seen.add(index)
            for committee, points in hint["committees"].items():
                analysis.add(committee, float(points),
                             f"programme {hint['name']} → {committee} "
                             f"({points_text(points)}{', fallback' if hint['fallback'] else ''})",
                             self.kind, fallback=hint["fallback"])
            if hint["youth"]:
                analysis.signal(hint["youth"], f"programme {hint['name']}")
