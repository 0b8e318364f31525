"""Exclusions: items that no committee needs to see, whatever words they contain."""

from __future__ import annotations

from typing import Any

from monitor.config.settings import Key
from monitor.matchers.base import PATTERN_LIST, Analysis, Matcher, Rules, add_patterns, where_text
from monitor.matchers.programmes import FIELDS, _check_fields, _non_empty

__all__ = ["ExclusionMatcher"]

RULE_SCHEMA = {
    "name": Key(str, doc="what kind of item this keeps away, as evidence shows it"),
    "match": Key(list, check=_non_empty, doc="any of these words or phrases excludes"),
    "fields": Key(list, list(FIELDS), _check_fields, doc="where to look for them"),
    "unless": PATTERN_LIST,
    "unless_fields": Key(list, list(FIELDS), _check_fields),
}


class ExclusionMatcher(Matcher):
    """[[exclude]]: kinds of items kept away from every committee.

        [[exclude]]
        name = "research-only funding"
        match = ["researchers", "forskningsprojekt", "horizon msca*"]
        unless = ["municipalities", "kommuner"]

    An item that contains one of the ``match`` patterns (in ``fields``; default programme,
    title and summary) and none of the ``unless`` patterns gets no committee and no
    priority. ``unless`` keeps, for example, a research call that municipalities apply to.
    """

    kind = "exclude"
    stage = 10
    options = RULE_SCHEMA

    def __init__(self, table: Any, rules: Rules) -> None:
        super().__init__(table, rules)
        self.exclusions: list[dict[str, Any]] = []
        for where, rule in rules.array(table, self.kind, self.options):
            rule["fields"] = frozenset(rule["fields"])
            rule["unless_fields"] = frozenset(rule["unless_fields"])
            self.exclusions.append(rule)
            add_patterns(rules, rule["match"], lang="any", owner=self.kind,
                         payload=len(self.exclusions) - 1, where=f"{where}.match")
            add_patterns(rules, rule["unless"], lang="any", owner=f"{self.kind}-unless",
                         payload=len(self.exclusions) - 1, where=f"{where}.unless")

    def apply(self, analysis: Analysis) -> None:
        saved = {m.pattern.payload for m in analysis.owned(f"{self.kind}-unless")
                 if m.field in self.exclusions[m.pattern.payload]["unless_fields"]}
        done: set[int] = set()
        for match in analysis.owned(self.kind):
            index = match.pattern.payload
            rule = self.exclusions[index]
            if index in done or index in saved or match.field not in rule["fields"]:
                continue
            done.add(index)
            analysis.excluded.append(f"excluded as {rule['name']}: {where_text(match)}")
