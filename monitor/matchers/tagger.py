"""The tagger: ``config/matching.toml`` read into matchers, and an item turned into tags.

Reading an item: its title, summary and programme are tokenised once and every pattern of
every matcher is looked up in one pass (:class:`~monitor.matchers.text.Lexicon`); the
matchers then run in stage order. The eligibility step decides whether the municipality
can apply at all (a call it cannot apply for gets no committee, and a reason); exclusions mark the item; scorers add points per
committee; a committee whose points reach ``threshold`` (and at least ``relative_cut`` of
the best committee's points) is tagged; fallback points (a programme open to any theme)
count only when no committee is tagged without them or no term of the title names a theme;
the priority rules run last.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from monitor.config.committees import load_committees, load_priorities
from monitor.config.settings import Key, check_table, read_toml
from monitor.errors import ConfigError
from monitor.matchers.base import Analysis, Matcher, Rules, registry
from monitor.matchers.eligibility import MUNICIPALITY_SCHEMA, eligibility_tags
from monitor.matchers.text import Lexicon, looks_swedish, tokenize
from monitor.model import Item, Tag

__all__ = ["Tagger", "load_matching", "SCORING_SCHEMA", "FILE_NAME"]

FILE_NAME = "matching.toml"


def _positive(value: float) -> str | None:
    return None if value > 0 else f"must be greater than 0, got {value}"


def _fraction(value: float) -> str | None:
    return None if 0 <= value <= 1 else f"must be between 0 and 1, got {value}"


def _numbers(value: dict) -> str | None:
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0:
            return f"{key} must be a number of 0 or more, got {number!r}"
    return None


SCORING_SCHEMA: dict[str, Key] = {
    "threshold": Key(float, 3.0, _positive, doc="points a committee needs to be tagged"),
    "relative_cut": Key(float, 0.0, _fraction,
                        doc="a committee also needs this share of the best one's points"),
    "secondary_support": Key(bool, False,
                             doc="a committee beside the best one needs more than one term "
                                 "found only in the summary"),
    "min_compound_part": Key(int, 4, _positive,
                             doc="shortest Swedish stem that matches inside compounds"),
    "weights": Key(dict, lambda: {"strong": 3.0, "medium": 2.0, "weak": 1.0}, _numbers,
                   doc="points per term tier"),
    "fields": Key(dict, lambda: {"title": 1.5, "summary": 1.0, "programme": 1.0}, _numbers,
                  doc="factor per field a term is found in"),
}


class Tagger:
    """Turns items into committee and priority tags, each with its evidence."""

    def __init__(self, rules: Rules, matchers: list[Matcher], *, threshold: float,
                 relative_cut: float) -> None:
        self.rules = rules
        self.matchers = sorted(matchers, key=lambda m: (m.stage, m.kind))
        self.threshold = threshold
        self.relative_cut = relative_cut

    def analyse(self, item: Item) -> Analysis:
        """Everything the matchers found, also below the threshold (for ``monitor eval``)."""
        fields = {"title": tokenize(item.title or ""), "summary": tokenize(item.summary or ""),
                  "programme": tokenize(item.programme or "")}
        if item.language in ("sv", "en"):
            swedish = item.language == "sv"
        else:
            swedish = looks_swedish(t for tokens in fields.values() for t in tokens)
        grouped: dict[str, list] = {}
        for match in self.rules.lexicon.find(fields, swedish=swedish):
            grouped.setdefault(match.pattern.owner, []).append(match)
        analysis = Analysis(item=item, fields=fields, matches=grouped)
        decided = False
        for matcher in self.matchers:
            if matcher.stage >= 90 and not decided:
                self._decide(analysis)
                decided = True
            matcher.apply(analysis)
        if not decided:
            self._decide(analysis)
        return analysis

    def _decide(self, analysis: Analysis) -> None:
        if analysis.excluded or analysis.ineligible:
            return
        self._cut(analysis)
        # A programme open to any theme points at a committee only when nothing else does,
        # or when the title names no theme: then the call is the programme's own round
        # (all its priorities), and its themes in the text come beside the programme's.
        if (not analysis.committees or not self._title_theme(analysis)) \
                and analysis.use_fallback():
            self._cut(analysis)

    @staticmethod
    def _title_theme(analysis: Analysis) -> bool:
        return any(c.field == "title" for parts in analysis.scores.values() for c in parts)

    def _cut(self, analysis: Analysis) -> None:
        totals = {c: analysis.score(c) for c in analysis.scores}
        best = max(totals.values(), default=0.0)
        floor = max(self.threshold, self.relative_cut * best)
        order = {c: i for i, c in enumerate(self.rules.committees)}
        top = max(totals, key=lambda c: (totals[c], -order[c]), default=None)
        analysis.committees = {c: s for c, s in sorted(totals.items(), key=lambda x: order[x[0]])
                               if s >= floor and (c == top or self._supported(analysis, c))}

    def _supported(self, analysis: Analysis, committee: str) -> bool:
        """A second committee from one word of the summary is an actor the text mentions
        ("civil society", "carers", "housing"), not what the item is about."""
        if not self.rules.secondary_support:
            return True
        parts = analysis.scores.get(committee, ())
        return len(parts) > 1 or any(c.field != "summary" for c in parts)

    def tag(self, item: Item) -> list[Tag]:
        """The item's tags: committees first (in configuration order), then priorities."""
        return tags_of(self.analyse(item))


def tags_of(analysis: Analysis) -> list[Tag]:
    tags = []
    for committee, score in analysis.committees.items():
        parts = sorted(analysis.scores[committee], key=lambda c: -c.points)
        matchers = "+".join(sorted({c.matcher for c in parts}))
        tags.append(Tag("committee", committee, round(score, 2),
                        tuple(c.evidence for c in parts), matchers))
    top = max(analysis.committees.values(), default=0.0)
    for priority, evidence in analysis.priorities.items():
        tags.append(Tag("priority", priority, round(top, 2), tuple(evidence), "priority"))
    return tags + eligibility_tags(analysis.eligibility)


def load_matching(config_dir: Path, municipality: Mapping[str, Any] | None = None
                  ) -> Tagger | None:
    """Read and check ``matching.toml``; None when the file is absent (tagging is off).
    ``municipality`` is settings.toml's ``[municipality]`` (read from there when not given)."""
    path = Path(config_dir) / FILE_NAME
    if not path.exists():
        return None
    if municipality is None:
        municipality = _municipality(Path(config_dir))
    data = read_toml(path)
    valid = ["scoring", *registry.kinds()]
    for key in data:
        if key not in valid:
            raise ConfigError("unknown key", file=str(path), key=key, valid=valid)
    rules = _rules(path, data.get("scoring", {}), config_dir)
    rules.municipality = dict(municipality)
    kinds = sorted(registry, key=lambda cls: (cls.stage, cls.kind))
    matchers = [cls(data[cls.kind], rules) for cls in kinds if cls.kind in data]
    return Tagger(rules, matchers, threshold=rules.threshold, relative_cut=rules.relative_cut)


def _municipality(config_dir: Path) -> dict[str, Any]:
    """``[municipality]`` of settings.toml, checked against the keys this step reads."""
    path = config_dir / "settings.toml"
    section = read_toml(path).get("municipality", {}) if path.exists() else {}
    if not isinstance(section, dict):
        raise ConfigError("must be a table ([section])", file=str(path), key="municipality")
    schema = {**MUNICIPALITY_SCHEMA, **{k: Key(object, None) for k in section
                                         if k not in MUNICIPALITY_SCHEMA}}
    # other keys of the section belong to other features and are checked with the settings
    return {k: v for k, v in check_table(section, schema, file=path,
                                         where="municipality").items()
            if k in MUNICIPALITY_SCHEMA}


def _rules(path: Path, table: Any, config_dir: Path) -> Rules:
    if not isinstance(table, dict):
        raise ConfigError("must be a table", file=str(path), key="scoring")
    scoring = check_table(table, SCORING_SCHEMA, file=path, where="scoring")
    rules = Rules(file=path, committees=tuple(load_committees(Path(config_dir))),
                  priorities=tuple(load_priorities(Path(config_dir))),
                  weights={k: float(v) for k, v in scoring["weights"].items()},
                  field_factors={k: float(v) for k, v in scoring["fields"].items()},
                  lexicon=Lexicon(min_part=scoring["min_compound_part"]),
                  threshold=scoring["threshold"], relative_cut=scoring["relative_cut"],
                  secondary_support=scoring["secondary_support"])
    bad = sorted(set(rules.field_factors) - {"title", "summary", "programme"})
    if bad:
        raise rules.error("unknown field", f"scoring.fields.{bad[0]}",
                          ["programme", "summary", "title"])
    return rules
