"""Read back a sheet written by monitor.paperwork.xlsx from the workbook's XML (no openpyxl needed)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def read_sheet(path: Path) -> tuple[str, list[list[object]]]:
    """The first sheet's name and its rows: strings as str, numbers as float (dates stay
    Excel serial numbers), empty cells as None."""
    with zipfile.ZipFile(path) as book:
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
                      for si in root.findall("m:si", NS)]
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        name = workbook.find("m:sheets/m:sheet", NS).get("name")
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.findall("m:sheetData/m:row", NS):
        cells: dict[int, object] = {}
        for cell in row.findall("m:c", NS):
            col = _column(cell.get("r"))
            kind, value = cell.get("t"), cell.find("m:v", NS)
            if kind == "s":
                cells[col] = shared[int(value.text)]
            elif kind == "inlineStr":
                cells[col] = "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))
            elif kind == "b":
                cells[col] = value.text == "1"
            elif value is not None:
                cells[col] = float(value.text)
        width = max(cells, default=-1) + 1
        rows.append([cells.get(i) for i in range(width)])
    return name, rows


def _column(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref).group(0)
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1
