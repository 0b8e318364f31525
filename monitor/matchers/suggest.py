"""Where the rules disagree with people's corrections, and changes to matching.toml that
would make them agree, as a diff for a person to review (nothing is changed or learned).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.matchers.retag import MATCHED_COLUMNS, item_from_row
from monitor.matchers.tagger import Tagger
from monitor.matchers.text import tokenize
from monitor.store import corrections as fixes
from monitor.store.database import Store

__all__ = ["Disagreement", "disagreements", "suggest_diff"]

_TERM_RE = re.compile(r'^term "(?P<term>[^"]+)" in ')
_STOP = frozenset("""och eller för till från inom med utan genom under efter samt mellan
about after against between during their there these those which within without under
through projects project support stöd utlysning utlysningen call calls ansökan senast
deadline""".split())


@dataclass
class Disagreement:
    """An item whose corrected tags differ from what the rules alone give it."""

    id: str
    title: str
    language: str | None
    rules: list[str]                  # committees the rules give
    corrected: list[str]              # committees after the corrections
    why: dict[str, list[str]]         # the rules' evidence per committee they give
    corrections: list[dict[str, Any]] = field(default_factory=list)

    @property
    def added(self) -> list[str]:
        return [c for c in self.corrected if c not in self.rules]

    @property
    def removed(self) -> list[str]:
        return [c for c in self.rules if c not in self.corrected]


def disagreements(store: Store, tagger: Tagger) -> list[Disagreement]:
    """Every corrected item on which today's rules still disagree with the correction."""
    by_item = fixes.for_items(store.conn, [c.item_id for c in fixes.every(store.conn)])
    rows = store.corrected_items(MATCHED_COLUMNS)
    out = []
    for item_id, corrections in by_item.items():
        row = rows.get(item_id)
        if row is None:
            continue
        tags = tagger.tag(item_from_row(row))
        corrected = fixes.apply(tags, corrections)
        rule_c = [t.tag for t in tags if t.dimension == "committee"]
        fixed_c = [t.tag for t in corrected if t.dimension == "committee"]
        rule_p = {t.tag for t in tags if t.dimension == "priority"}
        fixed_p = {t.tag for t in corrected if t.dimension == "priority"}
        if set(rule_c) == set(fixed_c) and rule_p == fixed_p:
            continue
        out.append(Disagreement(item_id, row.title, row.language, rule_c, fixed_c,
                                {t.tag: list(t.evidence) for t in tags
                                 if t.dimension == "committee"},
                                [c.as_dict() for c in corrections]))
    return out


def suggest_diff(rules_file: Path, found: list[Disagreement]) -> str:
    """A unified diff of ``rules_file``: for a committee a correction removed, the terms
    that gave it (taken out of that committee's lists); for a committee it added, the
    distinctive words of the title (put into its ``medium`` list). Empty when nothing."""
    original = rules_file.read_text(encoding="utf-8")
    text = original
    notes: list[str] = []
    for d in found:
        who = "; ".join(c["text"] for c in d.corrections)
        for committee in d.removed:
            for evidence in d.why.get(committee, ()):
                match = _TERM_RE.match(evidence)
                if match:
                    text, done = _drop_term(text, committee, match.group("term"))
                    if done:
                        notes.append(f'{d.id}: -{committee} "{match.group("term")}" ({who})')
                else:
                    notes.append(f"{d.id}: -{committee} not a term, check by hand: "
                                 f"{evidence} ({who})")
        for committee in d.added:
            lang = "en" if d.language == "en" else "sv"
            words = _distinctive(d.title, text)
            if words:
                text, done = _add_terms(text, committee, lang, words)
                if done:
                    notes.append(f"{d.id}: +{committee} {', '.join(words)} ({who})")
    if text == original:
        return ""
    diff = difflib.unified_diff(original.splitlines(keepends=True),
                                text.splitlines(keepends=True),
                                fromfile=f"a/{rules_file.name}", tofile=f"b/{rules_file.name}")
    return "".join(f"# {note}\n" for note in notes) + "".join(diff)


def _section(text: str, committee: str) -> tuple[int, int] | None:
    start = text.find(f"\n[terms.{committee}]")
    if start < 0:
        return None
    end = text.find("\n[", start + 1)
    return start, (end if end >= 0 else len(text))


def _drop_term(text: str, committee: str, term: str) -> tuple[str, bool]:
    span = _section(text, committee)
    if span is None:
        return text, False
    body = text[span[0]:span[1]]
    quoted = re.escape(f'"{term}"')
    new = re.sub(quoted + r",\s*", "", body, count=1)
    if new == body:
        new = re.sub(r",\s*" + quoted, "", body, count=1)
    return text[:span[0]] + new + text[span[1]:], new != body


def _add_terms(text: str, committee: str, lang: str, words: list[str]) -> tuple[str, bool]:
    span = _section(text, committee)
    if span is None:
        return text, False
    body = text[span[0]:span[1]]
    key = f"{lang}.medium = ["
    at = body.find(key)
    added = "".join(f'"{w}", ' for w in words)
    if at < 0:
        new = body.rstrip("\n") + f'\n{key}{added.rstrip(", ")}]\n'
    else:
        at += len(key)
        new = body[:at] + added + body[at:]
    return text[:span[0]] + new + text[span[1]:], True


def _distinctive(title: str, rules_text: str) -> list[str]:
    """Longer words of the title that the rules do not list yet (at most three)."""
    words = []
    for token in tokenize(title):
        word = token.text
        if len(word) < 6 or word in _STOP or word.isdigit() or f'"{word}"' in rules_text:
            continue
        if word not in words:
            words.append(word)
    return words[:3]
