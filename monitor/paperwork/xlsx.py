"""Excel output: one sheet from headers and rows (XlsxWriter), for people who work in Excel.

CSV stays the format for tools; this is for the coordinator. Every text is written as text
(a title beginning with ``=`` from a source never becomes a formula, a case number never a
number), dates and times as real Excel dates, numbers as numbers, lists joined with "; ".
The header row is bold, frozen and filtered; columns get a width from their contents.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Sequence

__all__ = ["write_xlsx", "write_workbook"]

_MAX_WIDTH = 60
_EXCEL_MAX_TEXT = 32767  # characters in one cell


Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def write_xlsx(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
               sheet: str = "Blad1") -> int:
    """Write one sheet to ``path``; returns the number of data rows. Raises OSError when the
    file cannot be written."""
    [count] = write_workbook(path, [(sheet, headers, rows)])
    return count


def write_workbook(target: str | Path | BinaryIO, sheets: Iterable[Sheet]) -> list[int]:
    """Write each (name, headers, rows) as a sheet of one workbook, to a path or a binary
    buffer; returns each sheet's number of data rows. Names are made unique."""
    import xlsxwriter  # deferred: only this output needs it

    in_memory = not isinstance(target, (str, Path))
    workbook = xlsxwriter.Workbook(target if in_memory else str(target), {
        "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
        "remove_timezone": True, "default_date_format": "yyyy-mm-dd", "in_memory": in_memory})
    counts, used = [], set()
    try:
        formats = {
            "bold": workbook.add_format({"bold": True}),
            "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
            "day": workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
            "stamp": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"}),
            "top": workbook.add_format({"valign": "top"})}
        for number, (name, headers, rows) in enumerate(sheets, start=1):
            name = _sheet_name(name)
            while name.casefold() in used:
                name = f"{name[:28]} {number}"
            used.add(name.casefold())
            counts.append(_write_sheet(workbook.add_worksheet(name), headers, rows, formats))
    finally:
        try:
            workbook.close()
        except Exception as exc:  # xlsxwriter wraps the OSError of a file it cannot create
            raise OSError(f"{target}: cannot write the workbook: {exc}") from exc
    return counts


def _write_sheet(ws: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                 formats: dict[str, Any]) -> int:
    widths = [len(str(h)) for h in headers]
    for col, header in enumerate(headers):
        ws.write_string(0, col, str(header), formats["bold"])
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            shown = _write(ws, count, col, value, wrap=formats["wrap"], day=formats["day"],
                           stamp=formats["stamp"], top=formats["top"])
            if col < len(widths):
                widths[col] = max(widths[col], min(shown, _MAX_WIDTH))
    for col, width in enumerate(widths):
        ws.set_column(col, col, width + 2)
    ws.freeze_panes(1, 0)
    if headers:
        ws.autofilter(0, 0, max(count, 1), len(headers) - 1)
    return count


def _write(ws: Any, row: int, col: int, value: Any, **fmt: Any) -> int:
    """Write one cell; returns the width its text takes."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt["top"])
        return 5
    if isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt["top"])
        return len(f"{value}")
    if isinstance(value, datetime):
        plain = value.replace(tzinfo=None)
        if (plain.hour, plain.minute, plain.second) == (0, 0, 0):
            ws.write_datetime(row, col, plain, fmt["day"])
            return 10
        ws.write_datetime(row, col, plain, fmt["stamp"])
        return 16
    if isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt["day"])
        return 10
    if isinstance(value, (list, tuple, set)):
        value = "; ".join(str(v) for v in value)
    text = str(value)[:_EXCEL_MAX_TEXT]
    ws.write_string(row, col, text, fmt["wrap"] if len(text) > _MAX_WIDTH else fmt["top"])
    return max((len(line) for line in text.splitlines()), default=0)


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\ ."""
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in name).strip("'")
    return cleaned[:31] or "Blad1"
