"""The Matcher base class, the registry of matcher kinds, and what matchers share.

A matcher is a small class with a ``kind``: the name of the table it reads in
``config/matching.toml``. Defining a subclass with a ``kind`` registers it. The tagger
builds one instance per table present, in ``stage`` order: exclusions first, then the
scorers that add points to committees, then the priority rules. The class docstring says
what the table holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Iterator, Mapping

from monitor.config.settings import Key, check_table
from monitor.errors import ConfigError
from monitor.matchers.text import Lexicon, Match, PatternError, Token
from monitor.model import Item
from monitor.registry import Plugin, Registry

__all__ = ["Matcher", "Registry", "registry", "Rules", "Analysis", "Contribution",
           "add_patterns", "where_text", "best_per_pattern", "points_text", "LANGS"]

LANGS = ("sv", "en")


@dataclass
class Rules:
    """What every matcher needs while it reads its table: where the file is, the valid
    committee and priority ids, the tier weights and the shared lexicon."""

    file: Path
    committees: tuple[str, ...]
    priorities: tuple[str, ...]
    weights: Mapping[str, float]
    field_factors: Mapping[str, float]
    lexicon: Lexicon
    threshold: float = 3.0
    relative_cut: float = 0.0
    secondary_support: bool = False
    #: ``[municipality]`` of settings.toml (name, region), for the eligibility step
    municipality: Mapping[str, Any] = field(default_factory=dict)

    def error(self, message: str, key: str, valid: list[str] | None = None) -> ConfigError:
        return ConfigError(message, file=str(self.file), key=key, valid=valid)

    def check(self, table: Any, schema: Mapping[str, Key], where: str) -> dict[str, Any]:
        if not isinstance(table, dict):
            raise self.error("must be a table", where)
        return check_table(table, schema, file=self.file, where=where)

    def array(self, table: Any, kind: str, schema: Mapping[str, Key]
              ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each checked table of a ``[[kind]]`` array, with its place for messages."""
        if not isinstance(table, list):
            raise self.error(f"must be a list of [[{kind}]] tables", kind)
        for index, body in enumerate(table, start=1):
            where = f"{kind}[{index}]"
            yield where, self.check(body, schema, where)

    def committee(self, ident: str, where: str) -> str:
        if ident not in self.committees:
            raise self.error(f"unknown committee {ident!r}", where, list(self.committees))
        return ident

    def committee_points(self, table: Mapping[str, Any], where: str) -> None:
        """``committees = { id = points }``: known ids, numbers as points."""
        for ident, points in table.items():
            self.committee(ident, f"{where}.committees.{ident}")
            if isinstance(points, bool) or not isinstance(points, (int, float)):
                raise self.error(f"points must be a number, got {points!r}",
                                 f"{where}.committees.{ident}")

    def priority(self, ident: str, where: str) -> str:
        if ident not in self.priorities:
            raise self.error(f"unknown priority area {ident!r}", where, list(self.priorities))
        return ident


@dataclass(frozen=True)
class Contribution:
    """Points one piece of evidence gives one committee."""

    points: float
    evidence: str
    matcher: str
    field: str = ""   # where a term was found (title, summary, programme); "" for hints


@dataclass
class Analysis:
    """One item on its way through the matchers."""

    item: Item
    fields: dict[str, list[Token]]
    matches: dict[str, list[Match]]
    scores: dict[str, list[Contribution]] = field(default_factory=dict)
    #: points that count only when no committee reaches the threshold without them
    fallback: dict[str, list[Contribution]] = field(default_factory=dict)
    excluded: list[str] = field(default_factory=list)
    youth: dict[str, list[str]] = field(default_factory=dict)
    committees: dict[str, float] = field(default_factory=dict)
    priorities: dict[str, list[str]] = field(default_factory=dict)
    #: what the eligibility step decided (:class:`~monitor.matchers.eligibility.Eligibility`)
    eligibility: Any = None

    @property
    def ineligible(self) -> bool:
        return self.eligibility is not None and self.eligibility.eligible is False

    def owned(self, owner: str) -> list[Match]:
        return self.matches.get(owner, [])

    def add(self, committee: str, points: float, evidence: str, matcher: str, *,
            fallback: bool = False, field: str = "") -> None:
        target = self.fallback if fallback else self.scores
        target.setdefault(committee, []).append(Contribution(points, evidence, matcher, field))

    def use_fallback(self) -> bool:
        """Count the fallback points as ordinary ones; False when there are none."""
        if not self.fallback:
            return False
        for committee, parts in self.fallback.items():
            self.scores.setdefault(committee, []).extend(parts)
        self.fallback = {}
        return True

    def score(self, committee: str) -> float:
        return sum(c.points for c in self.scores.get(committee, ()))

    def signal(self, name: str, evidence: str) -> None:
        self.youth.setdefault(name, []).append(evidence)


class Matcher(Plugin):
    """Base class; subclasses document their table in their docstring and declare its keys
    (for a ``[[kind]]`` array, the keys of each entry) as ``options``."""

    registry = Registry("matcher")
    #: order in the pipeline: eligibility 5, exclusions 10, scorers 50, priority rules 90
    stage: ClassVar[int] = 50

    def __init__(self, table: Any, rules: Rules) -> None:
        self.rules = rules

    def apply(self, analysis: Analysis) -> None:
        raise NotImplementedError


registry = Matcher.registry


def _check_patterns(value: Any) -> str | None:
    if not all(isinstance(v, str) and v.strip() for v in value):
        return "must be a list of non-empty texts"
    return None


PATTERN_LIST = Key(list, list, _check_patterns)
LANG_LISTS = {"sv": PATTERN_LIST, "en": PATTERN_LIST, "any": PATTERN_LIST}


def add_patterns(rules: Rules, texts: list[str], *, lang: str, owner: str, payload: Any,
                 where: str) -> list[int]:
    """Put a list of patterns into the lexicon; a bad one is a ConfigError naming its key."""
    ids = []
    for text in texts:
        try:
            ids.append(rules.lexicon.add(text, lang=lang, owner=owner, payload=payload).id)
        except PatternError as exc:
            raise rules.error(str(exc), where) from None
    return ids


def where_text(match: Match) -> str:
    """``"förskola" in summary as "förskollärare"``: the pattern, the field, and the words
    in the item when they differ from the pattern."""
    shown = match.pattern.text.lstrip("=")
    text = f'"{shown}" in {match.field}'
    if match.text != shown.lower().replace("*", ""):
        text += f' as "{match.text}"'
    return text


def best_per_pattern(matches: list[Match], factors: Mapping[str, float]) -> list[Match]:
    """One match per pattern: the one in the field that counts most (title before summary)."""
    best: dict[int, Match] = {}
    for m in matches:
        old = best.get(m.pattern.id)
        if old is None or factors.get(m.field, 1.0) > factors.get(old.field, 1.0):
            best[m.pattern.id] = m
    return list(best.values())


def points_text(points: float) -> str:
    return f"{points:+.1f}".replace(".0", "")
