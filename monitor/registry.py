"""The one plugin shape sources, matchers and channels share: a class registered by its kind.

A family's base class (``Source``, ``Matcher``, ``Channel``) subclasses :class:`Plugin` and
gives it a :class:`Registry`. A subclass that sets ``kind`` is added to its family's registry
when it is defined (a kind defined twice is a programming error, reported at import); it
declares what it accepts in the configuration as ``options`` (a schema of
:class:`~monitor.config.settings.Key` by key) and documents itself in its class docstring,
which ``monitor sources kinds``, ``monitor matchers kinds`` and ``monitor mail kinds`` show.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, ClassVar, Iterator

if TYPE_CHECKING:
    from monitor.config.settings import Key

__all__ = ["Registry", "Plugin"]


class Registry:
    """Classes by kind; ``what`` names them in messages ("source", "matcher", "channel")."""

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

    def __contains__(self, kind: object) -> bool:
        return kind in self._kinds

    def __iter__(self) -> Iterator[type[Any]]:
        return iter(self._kinds[k] for k in self.kinds())


class Plugin:
    """Base of every family's base class; subclasses document themselves in their docstring."""

    #: the family's registry, set by the family's base class
    registry: ClassVar[Registry]
    #: the name the configuration uses for this class; empty on base classes (not registered)
    kind: ClassVar[str] = ""
    #: what the configuration may set for this kind, as Key schemas by key
    options: ClassVar[dict[str, "Key"]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("kind"):
            cls.registry.add(cls)

    @classmethod
    def description(cls) -> str:
        """The class's own docstring (a kind without one has no documentation)."""
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def options_schema(cls) -> dict[str, "Key"]:
        return dict(cls.options)
