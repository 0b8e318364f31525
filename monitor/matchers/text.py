"""Words and patterns: tokenising, Swedish and English stemming, compound parts, phrases.

A *pattern* is what a coordinator writes in ``config/matching.toml``: one word or a phrase.
How a word matches depends on its language and two markers:

- ``word`` in a Swedish list: any inflection (Snowball stem, plus the definite endings
  Snowball leaves: ``skolan``, ``boendet``), and in Swedish text also as a compound part
  when its stem has at least ``min_part`` letters: as the first part (``äldreomsorg`` in
  ``äldreomsorgsboende``) or as the head (``omsorg`` in ``äldreomsorgen``, with at least
  three letters before it);
- ``word`` in an English list: singular or plural (``city`` matches ``cities``);
- ``word*``: any word that begins with ``word`` (``cyber*``, ``ka1*``);
- ``=word``: exactly this word, no inflection, no compounds.

Phrases are words in sequence; hyphens and punctuation between them are ignored, so
``plan- och bygglagen`` matches the phrase ``plan och bygglagen``. Within one owner (one
matcher), a match that lies inside a longer match is dropped: ``högskola`` listed as an
ignored word keeps ``skola`` from matching in ``högskolan``, and ``work environment`` keeps
``environment`` from counting on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from monitor.text.stemming import stem_en, stem_sv  # the stemmer, also the search index's

__all__ = ["Lexicon", "Match", "Pattern", "Token", "tokenize", "looks_swedish", "PatternError"]

_TOKEN_RE = re.compile(r"[^\W_]+(-(?=[\s,/]))?", re.UNICODE)
_SPEC_WORD_RE = re.compile(r"=?[^\W_]+\*?", re.UNICODE)
_CONJUNCTIONS = frozenset({"och", "eller", "samt", "respektive", "resp", "som", "till"})
_SV_HINTS = frozenset({"och", "att", "för", "som", "med", "av", "till", "det", "ett", "är",
                       "på", "om", "inom", "kan", "eller", "från", "ska", "samt", "den"})
_EN_HINTS = frozenset({"the", "and", "of", "to", "for", "with", "in", "on", "is", "are",
                       "by", "from", "that", "or", "their", "this", "be"})
_MIN_MODIFIER = 3  # letters before a compound head: "äldre|omsorg", never "s|omsorg"
_MIN_TAIL = 3      # fewer letters after a first part are an inflection: "bostad" in
                   # "bostäder" is the whole word, not a compound "bost|äder"
_CACHE_LIMIT = 200_000


class PatternError(ValueError):
    """A pattern in the configuration cannot be used (empty, only a marker ...)."""


@dataclass(frozen=True)
class Token:
    """One word of a field: lowercased text, position, and whether it ends a suspended
    compound (``grund-`` in ``grund- och gymnasieskolan``)."""

    text: str
    index: int
    suspended: bool = False


def tokenize(text: str) -> list[Token]:
    """Lowercased words; punctuation and hyphens between words are dropped."""
    tokens = []
    for index, m in enumerate(_TOKEN_RE.finditer(text.lower())):
        word = m.group(0)
        suspended = word.endswith("-")
        tokens.append(Token(word.rstrip("-"), index, suspended))
    return tokens


def looks_swedish(tokens: Iterable[Token]) -> bool:
    """A guess for items whose source does not say: more Swedish than English small words."""
    sv = en = 0
    for token in tokens:
        sv += token.text in _SV_HINTS
        en += token.text in _EN_HINTS
    return sv > en


# Word modes
EXACT, PREFIX, SV, EN, ANY = "exact", "prefix", "sv", "en", "any"


@dataclass(frozen=True)
class Word:
    """One word of a pattern, ready to compare with a token."""

    mode: str
    value: str            # raw text for exact/prefix, stem for sv/en; for any: the sv stem
    value_en: str = ""    # for any: the English stem
    alternatives: frozenset[str] = frozenset()  # raw forms when a Swedish stem is too short


@dataclass(frozen=True)
class Pattern:
    """A word or phrase from the configuration, with who owns it and what it means to them."""

    id: int
    text: str
    lang: str
    words: tuple[Word, ...]
    owner: str
    payload: Any
    compound: bool = False  # may match as part of a Swedish compound


@dataclass(frozen=True)
class Match:
    """Where a pattern matched: field, token span, and the text that matched."""

    pattern: Pattern
    field: str
    start: int          # first token index
    end: int            # one past the last token
    text: str           # the words as they stand in the item
    part: tuple[int, int] | None = None  # letter span inside the one token, for compounds

    def inside(self, other: "Match") -> bool:
        """True when this match lies strictly inside ``other`` (same owner and field)."""
        if other.start > self.start or other.end < self.end:
            return False
        if (other.start, other.end) != (self.start, self.end):
            return True
        mine = self.part or (0, 10**6)
        theirs = other.part or (0, 10**6)
        return theirs[0] <= mine[0] and mine[1] <= theirs[1] and mine != theirs


@dataclass
class _TokenHits:
    single: list[tuple[Pattern, tuple[int, int] | None]] = field(default_factory=list)
    first_of: list[Pattern] = field(default_factory=list)
    sv: str = ""
    en: str = ""


class Lexicon:
    """All patterns of all matchers, indexed so that an item is read once.

    ``add`` parses a pattern; ``find`` returns every match in an item's fields, except the
    matches that lie inside a longer match of the same owner.
    """

    def __init__(self, *, min_part: int = 4) -> None:
        self.min_part = min_part
        self.patterns: list[Pattern] = []
        self._exact: dict[str, list[Pattern]] = {}
        self._prefix: dict[str, list[Pattern]] = {}
        self._sv: dict[str, list[Pattern]] = {}
        self._en: dict[str, list[Pattern]] = {}
        self._sv_first_part: dict[str, list[Pattern]] = {}
        self._sv_head: dict[str, list[Pattern]] = {}
        self._phrase_first: dict[tuple[str, str], list[Pattern]] = {}
        self._prefix_lengths: set[int] = set()
        self._cache: dict[tuple[str, bool], _TokenHits] = {}

    # ------------------------------------------------------------------ building
    def add(self, text: str, *, lang: str, owner: str, payload: Any) -> Pattern:
        """Parse and index one pattern; raises PatternError when it has no word in it."""
        spec = text.strip().lower()
        exact = spec.startswith("=")
        words_raw = _SPEC_WORD_RE.findall(spec.lstrip("="))
        if not words_raw:
            raise PatternError(f"no word in pattern {text!r}")
        words = tuple(self._word(w.lstrip("="), lang, exact or w.startswith("="))
                      for w in words_raw)
        compound = (lang == SV and len(words) == 1 and words[0].mode == SV
                    and len(words[0].value) >= self.min_part)
        pattern = Pattern(len(self.patterns), text.strip(), lang, words, owner, payload,
                          compound)
        self.patterns.append(pattern)
        self._index(pattern)
        self._cache.clear()
        return pattern

    @staticmethod
    def _word(raw: str, lang: str, exact: bool) -> Word:
        if raw.endswith("*"):
            if len(raw) < 3:
                raise PatternError(f"a prefix needs at least two letters: {raw!r}")
            return Word(PREFIX, raw[:-1])
        if exact:
            return Word(EXACT, raw)
        if lang == SV:
            stem = stem_sv(raw)
            if len(stem) < 4:  # "unga" → "ung" would also catch "ungefär"
                return Word(EXACT, raw, alternatives=frozenset({raw, raw + "s"}))
            return Word(SV, stem)
        if lang == EN:
            return Word(EN, stem_en(raw))
        return Word(ANY, stem_sv(raw), stem_en(raw))

    def _index(self, pattern: Pattern) -> None:
        first = pattern.words[0]
        if len(pattern.words) > 1:
            keys = _first_keys(first)
            for key in keys:
                self._phrase_first.setdefault(key, []).append(pattern)
            if first.mode == PREFIX:
                self._prefix_lengths.add(len(first.value))
            return
        if first.mode == PREFIX:
            self._prefix.setdefault(first.value, []).append(pattern)
            self._prefix_lengths.add(len(first.value))
        elif first.mode == EXACT:
            for form in first.alternatives or {first.value}:
                self._exact.setdefault(form, []).append(pattern)
        elif first.mode == SV:
            self._sv.setdefault(first.value, []).append(pattern)
            if pattern.compound:
                self._sv_first_part.setdefault(first.value, []).append(pattern)
                self._sv_head.setdefault(first.value, []).append(pattern)
        elif first.mode == EN:
            self._en.setdefault(first.value, []).append(pattern)
        else:
            self._sv.setdefault(first.value, []).append(pattern)
            self._en.setdefault(first.value_en, []).append(pattern)

    # ------------------------------------------------------------------ matching
    def _hits(self, word: str, swedish: bool) -> _TokenHits:
        key = (word, swedish)
        hits = self._cache.get(key)
        if hits is not None:
            return hits
        hits = _TokenHits(sv=stem_sv(word), en=stem_en(word))
        seen: set[int] = set()

        def add(patterns: list[Pattern] | None, part: tuple[int, int] | None) -> None:
            for p in patterns or ():
                if p.id not in seen:
                    seen.add(p.id)
                    hits.single.append((p, part))

        add(self._exact.get(word), None)
        add(self._sv.get(hits.sv), None)
        add(self._en.get(hits.en), None)
        for length in self._prefix_lengths:
            if length <= len(word):
                add(self._prefix.get(word[:length]), None if length == len(word)
                    else (0, length))
        if swedish:
            stem = hits.sv
            for cut in range(self.min_part, len(stem)):
                whole = len(stem) - cut < _MIN_TAIL
                add(self._sv_first_part.get(stem[:cut]), None if whole else (0, cut))
            for cut in range(_MIN_MODIFIER, len(stem) - self.min_part + 1):
                add(self._sv_head.get(stem[cut:]), (cut, len(word)))
        for first in ((EXACT, word), (SV, hits.sv), (EN, hits.en)):
            hits.first_of.extend(self._phrase_first.get(first, ()))
        for length in self._prefix_lengths:
            if length <= len(word):
                hits.first_of.extend(self._phrase_first.get((PREFIX, word[:length]), ()))
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = hits
        return hits

    def find(self, fields: dict[str, list[Token]], *, swedish: bool) -> list[Match]:
        """Every match in the fields, without matches that lie inside a longer one."""
        matches: list[Match] = []
        for name, tokens in fields.items():
            infos = [self._hits(t.text, swedish) for t in tokens]
            for i, (token, info) in enumerate(zip(tokens, infos)):
                for pattern, part in info.single:
                    matches.append(Match(pattern, name, i, i + 1, token.text, part))
                for pattern in info.first_of:
                    end = i + len(pattern.words)
                    if end <= len(tokens) and all(
                            _word_matches(w, tokens[i + j].text, infos[i + j])
                            for j, w in enumerate(pattern.words[1:], start=1)):
                        text = " ".join(t.text for t in tokens[i:end])
                        matches.append(Match(pattern, name, i, end, text))
                if token.suspended and swedish:
                    matches.extend(self._suspended(name, tokens, i, swedish))
        return _drop_inner(matches)

    def _suspended(self, name: str, tokens: list[Token], i: int,
                   swedish: bool) -> list[Match]:
        """``grund- och gymnasieskolan``: try ``grund`` + the tail of the later compound."""
        later = next((t for t in tokens[i + 1:]
                      if not t.suspended and t.text not in _CONJUNCTIONS), None)
        if later is None:
            return []
        found = []
        for cut in range(2, len(later.text) - 2):
            word = tokens[i].text + later.text[cut:]
            for pattern, part in self._hits(word, swedish).single:
                if part is None:
                    found.append(Match(pattern, name, i, i + 1,
                                       f"{tokens[i].text}- … {later.text}"))
            if found:
                break
        return found


def _first_keys(word: Word) -> list[tuple[str, str]]:
    if word.mode == ANY:
        return [(SV, word.value), (EN, word.value_en)]
    if word.mode == EXACT and word.alternatives:
        return [(EXACT, form) for form in word.alternatives]
    return [(word.mode, word.value)]


def _word_matches(word: Word, text: str, info: _TokenHits) -> bool:
    mode = word.mode
    if mode == EXACT:
        return text in word.alternatives if word.alternatives else text == word.value
    if mode == PREFIX:
        return text.startswith(word.value)
    if mode == SV:
        return info.sv == word.value
    if mode == EN:
        return info.en == word.value
    return info.sv == word.value or info.en == word.value_en


def _drop_inner(matches: list[Match]) -> list[Match]:
    """Longest match wins within an owner: drop matches strictly inside another one."""
    groups: dict[tuple[str, str], list[Match]] = {}
    for m in matches:
        groups.setdefault((m.pattern.owner, m.field), []).append(m)
    kept = []
    for group in groups.values():
        if len(group) == 1:
            kept.append(group[0])
            continue
        # Only a match that covers m's first word can contain m: compare with those alone,
        # so a long summary with many matches is not compared pair by pair.
        covering: dict[int, list[Match]] = {}
        for o in group:
            for index in range(o.start, o.end):
                covering.setdefault(index, []).append(o)
        kept.extend(m for m in group
                    if not any(o is not m and m.inside(o) for o in covering[m.start]))
    return kept
