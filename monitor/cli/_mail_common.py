"""Helpers shared by the mail commands (subscribe, digest, calendar, serve)."""

from __future__ import annotations

from monitor.cli.common import console, err

__all__ = ["say"]


def say(text: str, *, error: bool = False) -> None:
    """One message line, never wrapped or styled (it may hold addresses and paths)."""
    (err if error else console).print(text, markup=False, highlight=False, soft_wrap=True)
