"""Swedish and English stemming: the tagger's (:mod:`monitor.matchers.text`) and the
full-text index's (:mod:`monitor.store.search`), one leaf module so the store needs no matcher."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["stem_sv", "stem_en"]

_VOWELS = frozenset("aeiouyåäö")
_CACHE_LIMIT = 200_000
_sv_cache: dict[str, str] = {}
_en_cache: dict[str, str] = {}


@lru_cache(maxsize=1)
def _swedish():  # noqa: ANN202 - a snowballstemmer stemmer
    """Snowball's Swedish stemmer, made on first use: importing snowballstemmer loads every
    language it has (~10 ms a command that stems nothing would pay)."""
    import snowballstemmer

    return snowballstemmer.stemmer("swedish")


def stem_sv(word: str) -> str:
    """Snowball Swedish, then the definite endings it leaves (skolan → skol, boendet → boend)."""
    stem = _sv_cache.get(word)
    if stem is None:
        stem = _swedish().stemWord(word)
        if len(stem) >= 5 and stem.endswith("an") and stem[-3] not in _VOWELS:
            stem = stem[:-2]
        elif len(stem) >= 6 and stem.endswith("et") and stem[-3] not in _VOWELS:
            stem = stem[:-2]
        elif len(stem) >= 5 and stem.endswith("ön"):
            stem = stem[:-1]
        if len(_sv_cache) > _CACHE_LIMIT:
            _sv_cache.clear()
        _sv_cache[word] = stem
    return stem


def stem_en(word: str) -> str:
    """English plurals only (cities → city, services → service, waters → water).

    Snowball English also strips derivations and so makes "employer" and "employment", or
    "careful" and "care", the same word; a coordinator lists the forms that matter instead.
    """
    stem = _en_cache.get(word)
    if stem is None:
        stem = word
        if len(word) > 4 and word.endswith("ies"):
            stem = word[:-3] + "y"
        elif word.endswith(("sses", "xes", "ches", "shes", "zzes")):
            stem = word[:-2]
        elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            stem = word[:-1]
        if len(_en_cache) > _CACHE_LIMIT:
            _en_cache.clear()
        _en_cache[word] = stem
    return stem
