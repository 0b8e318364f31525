"""Eligibility: can the municipality apply at all? Decided before any committee is scored.

A call the municipality cannot apply for (a regional programme for another area, a topic
open only to an existing consortium, grants to individuals, actions for research
organisations) gets no committee and no priority, and says why in the user's language. The
municipality and its region come from ``[municipality]`` in ``settings.toml``; the rules
from ``[eligibility]`` in ``matching.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from monitor.config.settings import Key
from monitor.matchers.base import (PATTERN_LIST, Analysis, Matcher, Rules, add_patterns,
                                   points_text, where_text)
from monitor.matchers.programmes import FIELDS, _check_fields, _non_empty
from monitor.model import CALL, Tag
from monitor.store.eligibility import (DIMENSION, ELIGIBLE, MUNICIPALITY_SCHEMA, NOT_ELIGIBLE,
                                       REGION_DIMENSION, UNKNOWN)

__all__ = ["EligibilityMatcher", "Eligibility", "MUNICIPALITY_SCHEMA", "eligibility_tags"]

REASON_SCHEMA = {"sv": Key(str), "en": Key(str)}
RULE_SCHEMA = {
    "name": Key(str, doc="what kind of call this is, as evidence shows it"),
    "reason": Key(dict, doc="why the municipality cannot apply: sv and en"),
    "match": Key(list, list, PATTERN_LIST.check, doc="words or phrases that say so"),
    "fields": Key(list, list(FIELDS), _check_fields),
    "types_of_action": Key(list, list, PATTERN_LIST.check,
                           doc="the source's own action types (EU portal typesOfAction)"),
    "unless": PATTERN_LIST,
    "unless_fields": Key(list, list(FIELDS), _check_fields),
}
AREA_SCHEMA = {
    "name": Key(str, doc="the programme area or county"),
    "match": Key(list, check=_non_empty),
    "fields": Key(list, list(FIELDS), _check_fields),
    "counties": Key(list, list, doc="counties in the area; [] when it is the whole country"),
    "national": Key(bool, False, doc="the area covers the whole country"),
}
TABLE_SCHEMA = {
    "regional": Key(list, list, PATTERN_LIST.check,
                    doc="programmes whose calls are for one programme area"),
    "national": Key(list, list, PATTERN_LIST.check, doc="words saying a call is national"),
    "regional_sources": Key(list, list, PATTERN_LIST.check,
                            doc="sources whose calls are for programme areas (esf ...)"),
    "home_committees": Key(dict, dict,
                           doc="committee id = points a regional programme's call for the "
                               "municipality's own area gives (cohesion policy, regional "
                               "development)"),
    "rule": Key(list, list),
    "area": Key(list, list),
}
REGION_REASON = {"sv": "utlysningen gäller {areas}, inte {region}",
                 "en": "the call is for {areas}, not {region}"}


@dataclass
class Eligibility:
    """What the eligibility step found for one item."""

    status: str = UNKNOWN
    regions: list[str] = field(default_factory=list)
    reason: dict[str, str] = field(default_factory=dict)   # sv / en, when not eligible
    evidence: list[str] = field(default_factory=list)
    rule: str = ""
    judged: bool = False  # calls are judged; legislation only carries its regions

    @property
    def eligible(self) -> bool | None:
        return {ELIGIBLE: True, NOT_ELIGIBLE: False}.get(self.status)


class EligibilityMatcher(Matcher):
    """[eligibility]: calls the municipality cannot apply for get no committee.

        [eligibility]
        regional = ["esf", "regionalfonden", "interreg"]  # calls for one programme area
        national = ["nationell utlysning"]               # ... unless they say they are national
        [[eligibility.area]]
        name = "Östra Mellansverige"
        match = ["östra mellansverige"]
        counties = ["Uppsala", "Södermanland", "Östergötland", "Örebro", "Västmanland"]
        [[eligibility.rule]]
        name = "consortium only"
        reason = { sv = "endast konsortiet i partnerskapsavtalet",
                   en = "only the consortium of the partnership agreement" }
        match = ["specific grant agreement"]
        types_of_action = ["HORIZON Research and Innovation Actions"]
        unless = ["municipalities"]

    A ``rule`` found in ``fields`` (or whose ``types_of_action`` the source gives), with
    none of its ``unless`` words, makes a call not eligible with its ``reason``. An ``area``
    named in the item is one of its ``regions``; a call of a ``regional`` programme (or from
    one of the ``regional_sources``), or one naming an area in its title, that names areas
    none of which is national or holds the municipality's ``region`` (``[municipality]`` in
    settings.toml) is not eligible; an area named in passing by another call changes
    nothing. A regional programme's call naming no area and not saying it is ``national``
    is unknown; any other call is eligible. Legislation is never judged. A regional
    programme's call for the municipality's own area (not a national one) also gives each of
    ``home_committees`` its points: it is regional development and cohesion policy.
    """

    kind = "eligibility"
    stage = 5
    options = TABLE_SCHEMA  # with [[eligibility.rule]] and [[eligibility.area]] entries

    def __init__(self, table: Any, rules: Rules) -> None:
        super().__init__(table, rules)
        checked = rules.check(table, self.options, self.kind)
        self.region = (rules.municipality.get("region") or "").strip()
        self.own = self.region.casefold()
        self.rules_: list[dict[str, Any]] = []
        for where, rule in rules.array(checked["rule"], f"{self.kind}.rule", RULE_SCHEMA):
            rules.check(rule["reason"], REASON_SCHEMA, f"{where}.reason")
            if not rule["match"] and not rule["types_of_action"]:
                raise rules.error("needs match or types_of_action", where)
            rule["fields"] = frozenset(rule["fields"])
            rule["unless_fields"] = frozenset(rule["unless_fields"])
            rule["actions"] = {a.casefold() for a in rule["types_of_action"]}
            index = len(self.rules_)
            self.rules_.append(rule)
            add_patterns(rules, rule["match"], lang="any", owner=f"{self.kind}.rule",
                         payload=index, where=f"{where}.match")
            add_patterns(rules, rule["unless"], lang="any", owner=f"{self.kind}.unless",
                         payload=index, where=f"{where}.unless")
        self.areas: list[dict[str, Any]] = []
        for where, area in rules.array(checked["area"], f"{self.kind}.area", AREA_SCHEMA):
            area["fields"] = frozenset(area["fields"])
            area["home"] = area["national"] or self.own in (
                area["name"].casefold(), *(c.casefold() for c in area["counties"]))
            self.areas.append(area)
            add_patterns(rules, area["match"], lang="any", owner=f"{self.kind}.area",
                         payload=len(self.areas) - 1, where=f"{where}.match")
        name = (rules.municipality.get("name") or "").strip()
        short = name.removesuffix(" kommun").removesuffix(" stad").strip()
        if short:  # the municipality's own name: its own area
            self.areas.append({"name": short, "fields": frozenset(FIELDS), "home": True,
                               "counties": [self.region], "national": False})
            add_patterns(rules, [short], lang="any", owner=f"{self.kind}.area",
                         payload=len(self.areas) - 1, where="municipality.name")
        rules.committee_points(checked["home_committees"], self.kind)
        self.home_committees = checked["home_committees"]
        self.regional_sources = frozenset(checked["regional_sources"])
        for key in ("regional", "national"):
            add_patterns(rules, checked[key], lang="any", owner=f"{self.kind}.{key}",
                         payload=key, where=f"{self.kind}.{key}")

    def apply(self, analysis: Analysis) -> None:
        result = Eligibility()
        analysis.eligibility = result
        found: dict[int, str] = {}
        for match in analysis.owned(f"{self.kind}.area"):
            area = self.areas[match.pattern.payload]
            if match.field in area["fields"]:
                found.setdefault(match.pattern.payload, where_text(match))
        # one name once (an area may have two entries: its names anywhere, the city in a title)
        result.regions = list(dict.fromkeys(self.areas[i]["name"] for i in sorted(found)))
        if analysis.item.kind != CALL:
            return
        result.judged = True
        rule = self._rule(analysis)
        if rule is not None:
            index, evidence = rule
            self._refuse(analysis, self.rules_[index]["name"], self.rules_[index]["reason"],
                         [evidence])
            return
        regional = analysis.owned(f"{self.kind}.regional")
        # An area named in passing (a national call's example, a partner's county) does not
        # refuse a call: only a regional programme's call, or one naming the area in its title.
        context = bool(regional) or analysis.item.source in self.regional_sources or any(
            m.field == "title" for m in analysis.owned(f"{self.kind}.area"))
        if found and context:
            if any(self.areas[i]["home"] for i in found) or not self.own:
                result.status = ELIGIBLE
                result.evidence = [f"area {self.areas[i]['name']}: {found[i]}" for i in found
                                   if self.areas[i]["home"]] or list(found.values())
                self._home(analysis, [i for i in found if self.areas[i]["home"]
                                      and not self.areas[i]["national"]])
                return
            areas = ", ".join(result.regions)
            reason = {lang: text.format(areas=areas, region=self.region)
                      for lang, text in REGION_REASON.items()}
            self._refuse(analysis, "region", reason,
                         [f"area {self.areas[i]['name']}: {found[i]}" for i in found])
            return
        if (regional or analysis.item.source in self.regional_sources) and not found and \
                not analysis.owned(f"{self.kind}.national"):
            result.evidence = ["regional programme, no area named: " + (
                where_text(regional[0]) if regional else f"source {analysis.item.source}")]
            return  # unknown: the programme area is not said
        result.status = ELIGIBLE

    def _home(self, analysis: Analysis, home: list[int]) -> None:
        """A regional programme's call for the municipality's own area (not a national
        one) is also regional development and cohesion policy: ``home_committees``."""
        regional = analysis.owned(f"{self.kind}.regional")
        if not home or not (regional or analysis.item.source in self.regional_sources):
            return
        name = self.areas[home[0]]["name"]
        for committee, points in self.home_committees.items():
            analysis.add(committee, float(points),
                         f"regional programme for {name} (own area) → {committee} "
                         f"({points_text(points)})", self.kind)

    def _rule(self, analysis: Analysis) -> tuple[int, str] | None:
        saved = {m.pattern.payload for m in analysis.owned(f"{self.kind}.unless")
                 if m.field in self.rules_[m.pattern.payload]["unless_fields"]}
        actions = [str(a) for a in analysis.item.extra.get("types_of_action") or ()]
        for index, rule in enumerate(self.rules_):
            if index in saved:
                continue
            for action in actions:
                if action.casefold() in rule["actions"]:
                    return index, f'type of action "{action}"'
        for match in analysis.owned(f"{self.kind}.rule"):
            index = match.pattern.payload
            if index not in saved and match.field in self.rules_[index]["fields"]:
                return index, where_text(match)
        return None

    @staticmethod
    def _refuse(analysis: Analysis, name: str, reason: dict[str, str], evidence: list[str]
                ) -> None:
        result = analysis.eligibility
        result.status, result.rule, result.reason = NOT_ELIGIBLE, name, dict(reason)
        result.evidence = evidence


def eligibility_tags(result: Eligibility | None) -> list[Tag]:
    """The eligibility decision as stored tags: one ``eligibility`` tag (its evidence the
    Swedish and English reason first when not eligible) and one ``region`` tag per area."""
    if result is None:
        return []
    tags = []
    evidence = tuple(result.evidence)
    if result.status == NOT_ELIGIBLE:
        evidence = (result.reason.get("sv", ""), result.reason.get("en", ""), *evidence)
    if result.judged:
        tags.append(Tag(DIMENSION, result.status, 0.0, evidence, result.rule or "eligibility"))
    # the score keeps the areas in the order of the configuration (tags are read by score)
    return tags + [Tag(REGION_DIMENSION, name, float(len(result.regions) - i), (), "eligibility")
                   for i, name in enumerate(result.regions)]

