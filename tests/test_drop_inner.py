"""Longest match wins: ``_drop_inner`` agrees with comparing every pair, also on long texts."""

from __future__ import annotations

import random

from monitor.matchers.text import Match, Pattern, _drop_inner


def pattern(owner: str, n: int) -> Pattern:
    return Pattern(id=n, text=f"p{n}", lang="sv", words=(), owner=owner, payload=None)


def every_pair(matches: list[Match]) -> list[Match]:
    """The definition: a match is dropped when it lies inside another of its owner and field."""
    return [m for m in matches if not any(
        o is not m and (o.pattern.owner, o.field) == (m.pattern.owner, m.field) and m.inside(o)
        for o in matches)]


def test_inner_matches_dropped_as_by_every_pair():
    rng = random.Random(3)
    for _ in range(50):
        matches = []
        for n in range(rng.randint(1, 400)):  # a long text: hundreds of matches
            start = rng.randrange(200)
            width = rng.choice((1, 1, 1, 2, 3, 5))
            part = rng.choice((None, None, (0, 4), (2, 9), (0, 12)))
            matches.append(Match(pattern(rng.choice("ab"), n), rng.choice(("title", "summary")),
                                 start, start + width, "x", part if width == 1 else None))
        got = _drop_inner(matches)
        assert sorted(map(id, got)) == sorted(map(id, every_pair(matches)))


def test_a_phrase_hides_its_words_and_a_compound_part_its_inner_part():
    a = pattern("bun", 1)
    phrase = Match(a, "summary", 3, 5, "förskolans personal")
    word = Match(a, "summary", 4, 5, "personal")
    elsewhere = Match(a, "summary", 7, 8, "personal")
    whole = Match(a, "title", 0, 1, "förskollärare", (0, 13))
    inner = Match(a, "title", 0, 1, "förskollärare", (0, 6))
    other_owner = Match(pattern("san", 2), "summary", 4, 5, "personal")
    assert _drop_inner([word, phrase, elsewhere, whole, inner, other_owner]) == [
        phrase, elsewhere, whole, other_owner]
