"""Wrappers around the genuine text copies in tests/fixtures/real/ (see its PROVENANCE.md):
genuine text, constructed wrapper. Each puts the text into the markup a parser reads."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from tests.conftest import FIXTURES

REAL = FIXTURES / "real"


def text(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def _paragraphs(lines: list[str]) -> str:
    return "\n".join(f"<p>{escape(line.strip())}</p>" for line in lines if line.strip())


def html_page(name: str, *, page_date: str | None = None) -> bytes:
    """The text as a page: its first line the ``<h1>``, every other line a ``<p>`` in
    ``<main>``; ``page_date`` (the "live around" date) as the page's published meta."""
    first, *rest = text(name).splitlines()
    meta = (f'<meta property="article:published_time" content="{page_date}">'
            if page_date else "")
    return (f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">{meta}'
            f"<title>{escape(first)}</title></head><body><main><h1>{escape(first)}</h1>\n"
            f"{_paragraphs(rest)}\n</main></body></html>").encode("utf-8")


def wp_post(name: str, *, post_id: int, link: str, date: str, title: str | None = None,
            kind: str = "post", skip: int = 1) -> dict[str, Any]:
    """The text as a WordPress REST object: the title (given, else the first line), the
    lines after the first ``skip`` as ``content.rendered``; ``date`` the "live around" day."""
    lines = text(name).splitlines()
    return {"id": post_id, "date": f"{date}T09:00:00", "modified": f"{date}T09:00:00",
            "slug": link.rstrip("/").rsplit("/", 1)[-1], "status": "publish", "type": kind,
            "link": link, "title": {"rendered": escape(title or lines[0])},
            "content": {"rendered": _paragraphs(lines[skip:]), "protected": False},
            "excerpt": {"rendered": "", "protected": False}}


def as_json(*objects: dict[str, Any]) -> bytes:
    return json.dumps(list(objects), ensure_ascii=False).encode("utf-8")


def path(name: str) -> Path:
    return REAL / name
