"""Excel output: the writer on its own, and --format xlsx of calls, legislation,
applications and report (sv and en headers), read back from the workbook's XML."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from monitor.app import open_store
from monitor.model import Item, Tag
from monitor.paperwork.xlsx import write_xlsx
from tests.conftest import NOW
from tests.xlsx_reader import read_sheet


def test_writer_keeps_text_as_text_and_numbers_and_dates_typed(tmp_path):
    path = tmp_path / "t.xlsx"
    count = write_xlsx(path, ["A", "B", "C", "D", "E"], [
        ["=HYPERLINK(\"http://x\")", "0012", 450000, date(2027, 2, 1), ["Cēsis", "Tyresö"]],
        ["https://example.org/a", None, 1.5, datetime(2027, 2, 1, 17, 0), True]],
        sheet="Utlysningar: [test]")
    assert count == 2
    name, rows = read_sheet(path)
    assert name == "Utlysningar_ _test_"
    assert rows[0] == ["A", "B", "C", "D", "E"]
    assert rows[1][0] == '=HYPERLINK("http://x")'  # a text, never a formula
    assert rows[1][1] == "0012" and rows[1][2] == 450000.0
    assert rows[1][3] == 46419.0  # 2027-02-01 as an Excel date
    assert rows[1][4] == "Cēsis; Tyresö"
    assert rows[2][1] is None and rows[2][3] == pytest.approx(46419 + 17 / 24)
    assert rows[2][4] is True


def test_writer_reports_an_unwritable_file(tmp_path):
    with pytest.raises(OSError):
        write_xlsx(tmp_path / "missing-folder" / "t.xlsx", ["A"], [["x"]])


@pytest.fixture
def calls_db(tmp_path):
    with open_store(tmp_path / "monitor.db") as store:
        store.upsert_items([
            Item(source="eu-funding", native_id=f"C-{i}", kind="call", title=f"Skolutbyte {i}",
                 url=f"https://example.org/{i}", summary="Utbyte för skolor",
                 programme="Erasmus+", deadlines=[NOW + timedelta(days=10 + i)])
            for i in range(3)] + [
            Item(source="eu-funding", native_id="L-1", kind="legislation",
                 title="Förslag om skolan", url="https://example.org/l", summary="",
                 published=NOW - timedelta(days=2))], now=NOW)
        store.replace_tags("eu-funding:C-0", [Tag("committee", "bun", 4.0, ("skola",))],
                           now=NOW)


@pytest.mark.parametrize("lang, headers", [
    (None, ["Id", "Titel", "Program", "Status", "Öppnar", "Sista dag"]),
    ("en", ["Id", "Title", "Programme", "Status", "Opens", "Deadline"]),
])
def test_calls_xlsx_has_a_header_and_one_row_per_call(cli, calls_db, tmp_path, lang, headers):
    out = tmp_path / "calls.xlsx"
    result = cli("calls", "--format", "xlsx", "--output", str(out), lang=lang)
    assert result.exit_code == 0, result.output
    name, rows = read_sheet(out)
    assert name == ("Calls" if lang else "Utlysningar")
    assert rows[0][:6] == headers
    assert [r[0] for r in rows[1:]] == ["eu-funding:C-0", "eu-funding:C-1", "eu-funding:C-2"]
    assert rows[1][1] == "Skolutbyte 0" and rows[1][3] == ("open" if lang else "öppen")
    committees = rows[0].index("Committees" if lang else "Nämnder")
    assert rows[1][committees] == "bun"
    assert ("3 rows written to" if lang else "3 rader skrivna till") in result.output


def test_legislation_and_applications_and_report_xlsx(cli, calls_db, tmp_path):
    out = tmp_path / "l.xlsx"
    assert cli("legislation", "--format", "xlsx", "-o", str(out)).exit_code == 0
    _, rows = read_sheet(out)
    assert len(rows) == 2 and rows[1][1] == "Förslag om skolan"
    assert cli("apply", "eu-funding:C-1", "--committee", "bun", "--amount", "450 000",
               "--partner", "Cēsis", "--country", "LV").exit_code == 0
    out = tmp_path / "a.xlsx"
    assert cli("applications", "--format", "xlsx", "-o", str(out), lang="en").exit_code == 0
    name, rows = read_sheet(out)
    assert name == "Applications" and rows[0][:3] == ["#", "Committee", "Status"]
    assert rows[1][:4] == [1.0, "bun", "intent", "Skolutbyte 1"] and 450000.0 in rows[1]
    out = tmp_path / "r.xlsx"  # the report's own workbook (monitor.paperwork.document), one sheet a table
    assert cli("report", "--year", "2026", "--format", "xlsx", "-o", str(out)).exit_code == 0
    assert read_sheet(out)[0] == "Sammanfattning"
    refused = cli("report", "--year", "2026", "--format", "xlsx")
    assert refused.exit_code == 2 and "Fel: --format 'xlsx': ange filen med --output FIL." \
        in refused.output


def test_xlsx_needs_an_output_file(cli, calls_db, tmp_path):
    result = cli("calls", "--format", "xlsx")
    assert result.exit_code == 2 and "Fel: --format 'xlsx': ange filen med --output FIL." \
        in result.output
    english = cli("calls", "--format", "xlsx", "-o", str(tmp_path / "no" / "x.xlsx"),
                  lang="en")
    assert english.exit_code == 2 and "Error: --output" in english.output
    assert "cannot write the file" in english.output
    assert cli("subscriptions", "--format", "xlsx").exit_code == 2  # not offered there
