"""A small document model for the paperwork (KS draft, yearly report) and its writers:
Markdown for reading, standalone HTML (every value escaped), Word (python-docx) for the case
system, and Excel (XlsxWriter: each table on its own sheet).

A document is a list of blocks: :class:`Heading`, :class:`Para`, :class:`Bullets` and
:class:`Table`. Text is plain; ``Para.label`` is shown in bold before the text.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence, Union

__all__ = ["Heading", "Para", "Bullets", "Table", "Link", "Block", "to_markdown", "to_html",
           "to_docx", "to_xlsx", "PLACEHOLDER"]

TEMPLATES = Path(__file__).resolve().parent / "templates"

PLACEHOLDER = re.compile(r"\[[^\]\n]+\]")  # "[medfinansiering]": a fact the register lacks


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    label: str = ""


@dataclass(frozen=True)
class Link:
    """A list item or table cell that links (in HTML) to ``url``; elsewhere its text."""

    text: str
    url: str | None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Bullets:
    items: Sequence[str | Link]


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str | int | Link]]  # numbers stay numbers in Excel
    title: str = ""  # the sheet's name in Excel
    numeric: Sequence[int] = field(default_factory=tuple)  # right-aligned columns


Block = Union[Heading, Para, Bullets, Table]


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Para):
            out.append(f"**{block.label}** {block.text}" if block.label else block.text)
        elif isinstance(block, Bullets):
            out.append("\n".join(f"- {item}" for item in block.items))
        else:
            lines = ["| " + " | ".join(_md(h) for h in block.header) + " |",
                     "|" + "|".join("--:" if i in block.numeric else "---"
                                    for i in range(len(block.header))) + "|"]
            lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def to_html(blocks: Sequence[Block], title: str, lang: str = "sv") -> str:
    """A standalone page from ``templates/document.html.j2``: every value escaped,
    links only where :func:`monitor.mail.message.safe_href` allows them (absolute http(s))."""
    import jinja2

    from monitor.mail.message import safe_href

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.tests.update(heading=lambda b: isinstance(b, Heading), para=lambda b: isinstance(b, Para),
                     bullets=lambda b: isinstance(b, Bullets), link=lambda v: isinstance(v, Link))
    return env.get_template("document.html.j2").render(blocks=blocks, title=title, lang=lang,
                                                       href=safe_href)


def to_docx(blocks: Sequence[Block]) -> bytes:
    """A Word document; headings use Word's own heading styles, so the case system's
    template and the table of contents recognise them."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=min(block.level, 9))
        elif isinstance(block, Para):
            paragraph = document.add_paragraph()
            if block.label:
                paragraph.add_run(block.label + " ").bold = True
            paragraph.add_run(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                document.add_paragraph(str(item), style="List Bullet")
        else:
            table = document.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header):
                cell.text = ""
                cell.paragraphs[0].add_run(str(text)).bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for i, (cell, text) in enumerate(zip(cells, row)):
                    cell.text = str(text)
                    if i in block.numeric:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_xlsx(blocks: Sequence[Block]) -> bytes:
    """Each table on its own sheet (named by its title), header bold and frozen; cells other
    than numbers as text (never a formula), through the one Excel writer (monitor.paperwork.xlsx)."""
    from monitor.paperwork.xlsx import write_workbook

    buffer = io.BytesIO()
    tables = [b for b in blocks if isinstance(b, Table)]
    write_workbook(buffer, [
        (table.title or f"Tabell {number}", list(table.header),
         [[c if isinstance(c, (int, float)) else str(c)
           for c in row] for row in table.rows])
        for number, table in enumerate(tables, start=1)])
    return buffer.getvalue()

