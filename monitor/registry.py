"""Plugin classes by their ``kind``: the one registry shape sources and matchers share.

Defining a subclass with a ``kind`` adds it (the base class's ``__init_subclass__`` calls
:meth:`Registry.add`); a kind defined twice is a programming error, reported at import.
"""

from __future__ import annotations

from typing import Any, Iterator

__all__ = ["Registry"]


class Registry:
    """Classes by kind; ``what`` names them in messages ("source", "matcher")."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._kinds: dict[str, type[Any]] = {}

    def add(self, cls: type[Any]) -> None:
        existing = self._kinds.get(cls.kind)
        if existing is not None and existing is not cls:
            raise RuntimeError(f"{self.what} kind {cls.kind!r} defined twice: "
                               f"{existing.__module__} and {cls.__module__}")
        self._kinds[cls.kind] = cls

    def get(self, kind: str) -> type[Any]:
        return self._kinds[kind]

    def kinds(self) -> list[str]:
        return sorted(self._kinds)

    def __iter__(self) -> Iterator[type[Any]]:
        return iter(self._kinds[k] for k in self.kinds())
