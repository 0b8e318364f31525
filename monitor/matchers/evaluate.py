"""Items from JSON lines, and how well the tagger agrees with labelled ones.

One item a line: ``id, source, kind, language, title, summary, programme`` (other fields
are ignored); labelled lines also carry ``committees`` and ``priorities`` lists. A line that
cannot be read becomes a :class:`LineError` naming the line and the cause, and the other
lines are still read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from monitor.matchers.codes import CODE_FIELDS
from monitor.matchers.tagger import Tagger, tags_of
from monitor.model import KINDS, Item

__all__ = ["Record", "LineError", "read_items", "LabelScore", "FieldReport", "Miss",
           "EvalReport", "evaluate", "explain"]


@dataclass(frozen=True)
class LineError:
    """A line that could not be read; ``problem`` is a message key, ``values`` its fields."""

    line: int
    problem: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Record:
    """One item read from a line, with its labels when the line has them."""

    line: int
    id: str
    item: Item
    committees: list[str] | None = None
    priorities: list[str] | None = None


# The sources' own codes a line may carry beside the text (as item.extra holds them):
# EU portal typesOfAction, keywords, tags, crossCuttingPriorities; Riksdagen organ; Have your
# say topics; EUR-Lex subject descriptors. An ``extra`` object is read as well.
_TEXT_FIELDS = {"source": "file", "language": None, "summary": "", "programme": None}


def read_items(lines: Iterable[str | bytes], *, labels: bool = False
               ) -> Iterator[Record | LineError]:
    """Parse JSON lines (text, or bytes in UTF-8); blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield LineError(number, "line_not_utf8", {"detail": exc.reason})
                continue
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield LineError(number, "line_not_json", {"detail": exc.msg})
            continue
        if not isinstance(data, dict):
            yield LineError(number, "line_not_object")
            continue
        yield _record(number, data, labels)


def _record(number: int, data: dict[str, Any], labels: bool) -> Record | LineError:
    for key in ("id", "title", "kind"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            return LineError(number, "line_missing", {"field": key})
    if data["kind"] not in KINDS:
        return LineError(number, "line_bad_kind", {"value": data["kind"],
                                                   "valid": ", ".join(KINDS)})
    values = {}
    for key, default in _TEXT_FIELDS.items():
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            return LineError(number, "line_not_text", {"field": key})
        values[key] = value or default
    gold: dict[str, list[str]] = {}
    for key in ("committees", "priorities") if labels else ():
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return LineError(number, "line_no_labels", {"field": key})
        gold[key] = value
    extra = data.get("extra") if isinstance(data.get("extra"), dict) else {}
    extra = {**extra, **{k: data[k] for k in CODE_FIELDS if k in data}}
    item = Item(source=values["source"], native_id=data["id"], kind=data["kind"],
                title=data["title"], url="", summary=values["summary"],
                programme=values["programme"], language=values["language"], extra=extra)
    return Record(number, data["id"], item, gold.get("committees"), gold.get("priorities"))


@dataclass
class LabelScore:
    """Counts for one label; precision, recall and F1 from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "support": self.tp + self.fn, "tp": self.tp,
                "fp": self.fp, "fn": self.fn}


@dataclass
class FieldReport:
    """Per-label scores of one field; macro-F1 over labels that were expected or given."""

    labels: dict[str, LabelScore] = field(default_factory=dict)

    def count(self, expected: set[str], got: set[str]) -> None:
        for label in expected | got:
            score = self.labels.setdefault(label, LabelScore())
            if label in expected and label in got:
                score.tp += 1
            elif label in got:
                score.fp += 1
            else:
                score.fn += 1

    @property
    def macro_f1(self) -> float:
        if not self.labels:
            return 1.0  # nothing expected and nothing given: no disagreement
        return sum(s.f1 for s in self.labels.values()) / len(self.labels)


@dataclass
class Miss:
    """An item whose tags differ from its labels, with the evidence."""

    id: str
    title: str
    expected: dict[str, list[str]]
    got: dict[str, list[str]]
    why: dict[str, list[str]]


@dataclass
class EvalReport:
    """The tagger against labelled items."""

    items: int = 0
    committees: FieldReport = field(default_factory=FieldReport)
    priorities: FieldReport = field(default_factory=FieldReport)
    none_total: int = 0      # items labelled with no committee
    none_tagged: int = 0     # ... of which the tagger gave one a committee
    ineligible: int = 0      # calls the eligibility step found the municipality cannot apply for
    ineligible_labelled: int = 0  # ... of which the labels give a committee (a wrong refusal?)
    reasons: dict[str, int] = field(default_factory=dict)  # ineligible calls per rule
    misses: list[Miss] = field(default_factory=list)


def evaluate(tagger: Tagger, records: Iterable[Record]) -> EvalReport:
    report = EvalReport()
    for record in records:
        analysis = tagger.analyse(record.item)
        got_c, got_p = list(analysis.committees), list(analysis.priorities)
        want_c, want_p = record.committees or [], record.priorities or []
        report.items += 1
        report.committees.count(set(want_c), set(got_c))
        report.priorities.count(set(want_p), set(got_p))
        if analysis.ineligible:
            report.ineligible += 1
            report.ineligible_labelled += bool(want_c)
            rule = analysis.eligibility.rule
            report.reasons[rule] = report.reasons.get(rule, 0) + 1
        if not want_c:
            report.none_total += 1
            report.none_tagged += bool(got_c)
        if set(want_c) != set(got_c) or set(want_p) != set(got_p):
            report.misses.append(Miss(
                record.id, record.item.title,
                {"committees": want_c, "priorities": want_p},
                {"committees": got_c, "priorities": got_p},
                explain(tagger, analysis, want_c)))
    return report


def explain(tagger: Tagger, analysis: Any, expected: Iterable[str] = ()) -> dict[str, list[str]]:
    """Evidence per tag given, plus why an expected or near committee was not given."""
    why = {tag.tag: list(tag.evidence) for tag in tags_of(analysis)}
    if analysis.excluded:
        why["excluded"] = list(analysis.excluded)
    if analysis.ineligible:
        result = analysis.eligibility
        why["not eligible"] = [f"{result.rule}: {result.reason.get('en', '')}",
                               *result.evidence]
    best = max((analysis.score(c) for c in analysis.scores), default=0.0)
    needed = max(tagger.threshold, tagger.relative_cut * best)
    for committee in sorted(set(expected) | set(analysis.scores) | set(analysis.fallback)):
        if committee in analysis.committees:
            continue
        parts = sorted(analysis.scores.get(committee, ()), key=lambda c: -c.points)
        score = sum(c.points for c in parts)
        unused = [f"{c.evidence}, not used: another committee was tagged"
                  for c in analysis.fallback.get(committee, ())]
        why[f"not {committee}"] = [f"score {score:g}, needs {needed:g}",
                                   *(c.evidence for c in parts), *unused]
    return why
