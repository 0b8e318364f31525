"""Committee terms: words and phrases in Swedish and English that point at a committee."""

from __future__ import annotations

from typing import Any

from monitor.config.settings import Key
from monitor.matchers.base import (LANG_LISTS, Analysis, Matcher, Rules, add_patterns,
                                   best_per_pattern, points_text, where_text)

__all__ = ["TermsMatcher"]

IGNORE = "ignore"


class TermsMatcher(Matcher):
    """[terms.<committee>]: words and phrases per committee, by language and weight tier.

        [terms.aon]
        sv.strong = ["äldreomsorg", "hemtjänst", "särskilt boende"]
        en.medium = ["older people", "ageing"]

    Each term found gives its committee the tier's weight (``[scoring.weights]``) times the
    field's factor (``[scoring.fields]``: a term in the title counts more); a term counts
    once per item. ``[terms.ignore]`` lists words that must not count as containing a
    term (``högskola`` is no ``skola``; ``work environment`` is no ``environment``).
    """

    kind = "terms"
    stage = 50
    #: the keys of one committee's table; each holds tier = [terms] ("ignore" holds lists)
    options = {lang: Key(dict, dict, doc=f"weight tier = [terms] in {lang}")
               for lang in LANG_LISTS}

    def __init__(self, table: Any, rules: Rules) -> None:
        super().__init__(table, rules)
        if not isinstance(table, dict):
            raise rules.error("must be a table of [terms.<committee>] tables", self.kind)
        tiers = {name: LANG_LISTS["sv"] for name in rules.weights}
        for ident, body in table.items():
            where = f"{self.kind}.{ident}"
            if ident == IGNORE:
                lists = rules.check(body, LANG_LISTS, where)
                for lang, texts in lists.items():
                    add_patterns(rules, texts, lang=lang, owner=self.kind, payload=None,
                                 where=f"{where}.{lang}")
                continue
            if ident not in rules.committees:
                raise rules.error(f"unknown committee {ident!r}", where,
                                  [*rules.committees, IGNORE])
            langs = rules.check(body, self.options, where)
            for lang, tier_table in langs.items():
                checked = rules.check(tier_table, tiers, f"{where}.{lang}")
                for tier, texts in checked.items():
                    add_patterns(rules, texts, lang=lang, owner=self.kind,
                                 payload=(ident, tier), where=f"{where}.{lang}.{tier}")

    def apply(self, analysis: Analysis) -> None:
        factors = self.rules.field_factors
        # The same words listed twice for one committee (in Swedish and in English) count once.
        best: dict[tuple, tuple[float, Any]] = {}
        for match in best_per_pattern(analysis.owned(self.kind), factors):
            if match.pattern.payload is None:
                continue
            committee, tier = match.pattern.payload
            points = self.rules.weights[tier] * factors.get(match.field, 1.0)
            key = (committee, match.field, match.start, match.end, match.part)
            if key not in best or best[key][0] < points:
                best[key] = (points, match)
        for (committee, *_), (points, match) in best.items():
            analysis.add(committee, points,
                         f"term {where_text(match)} ({points_text(points)})", self.kind,
                         field=match.field)

