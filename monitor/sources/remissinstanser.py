"""The list of bodies asked to answer a remiss (remissinstanser): its text, and whether a
municipality is on it. The list is usually a PDF (read with pypdf), sometimes an HTML page."""

from __future__ import annotations

import io
import re

from monitor.model import html_to_text

MAX_PAGES = 40  # a remiss letter with its list is a few pages; a whole report is not read


def invitee_text(body: bytes, content_type: str, url: str) -> str:
    """The text of a remissinstans list. Raises ValueError naming the cause when a PDF cannot
    be read (pypdf raises many kinds of error on damaged files)."""
    if body[:5] != b"%PDF-" and "pdf" not in content_type.lower():
        return html_to_text(body.decode("utf-8", "replace"))
    from pypdf import PdfReader  # imported here: only remisser with a list need it

    try:
        reader = PdfReader(io.BytesIO(body))
        pages = reader.pages[:MAX_PAGES]
        return "\n".join(page.extract_text() or "" for page in pages)
    except Exception as exc:  # noqa: BLE001 - any damage in the file is one reason: unreadable
        raise ValueError(f"PDF could not be read ({type(exc).__name__}: {exc})") from exc


def _words(text: str) -> str:
    text = re.sub(r"-\s*\n\s*", "", text)  # a word hyphenated over a line break
    return " ".join(text.split()).casefold()


def names_municipality(text: str, name: str) -> str | None:
    """The line of ``text`` naming the municipality ``name`` ("Tyresö kommun"), else None.
    Line breaks, hyphenation and spacing in the PDF's text do not matter."""
    wanted = _words(name)
    if not wanted:
        return None
    flat = _words(text)
    match = re.search(rf"(?<!\w){re.escape(wanted)}(?![\w])", flat)
    if match is None:
        return None
    for line in text.splitlines():
        if wanted.split()[0] in line.casefold():
            return " ".join(line.split())
    return name
