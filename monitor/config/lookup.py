"""Finding a committee, priority area or source from what a person typed: the id in any case,
one of its names, or a unique beginning of either. The CLI and the web page share it; each
renders the :class:`~monitor.errors.UsageError` in its own way."""

from __future__ import annotations

import difflib
from typing import Mapping, Sequence

from monitor.errors import UsageError

__all__ = ["resolve_tag"]


def resolve_tag(option: str, value: str, names: Mapping[str, Sequence[str]]) -> str:
    """A committee or priority area by its id in any case, one of its names, or a unique
    prefix of either. ``names`` maps each id to its names (Swedish, English)."""
    key = value.strip().casefold()
    if not key:
        raise UsageError(option, value, valid=list(names))
    by_word: dict[str, set[str]] = {}
    for ident, labels in names.items():
        for word in (ident, *labels):
            if word:
                by_word.setdefault(word.casefold(), set()).add(ident)
    exact = by_word.get(key)
    if exact and len(exact) == 1:
        return next(iter(exact))
    fits = {ident for word, idents in by_word.items() if word.startswith(key) for ident in idents}
    if len(fits) == 1:
        return next(iter(fits))
    if fits:
        ordered = [ident for ident in names if ident in fits]
        raise UsageError(option, value, reason="usage.ambiguous", matches=ordered)
    near_words = difflib.get_close_matches(key, list(by_word), n=3, cutoff=0.6)
    near = [ident for word in near_words for ident in sorted(by_word[word])]
    raise UsageError(option, value, valid=list(names), suggestions=list(dict.fromkeys(near)))
