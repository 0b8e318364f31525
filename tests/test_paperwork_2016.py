"""The 2016 "Rapport internationellt samarbete" rebuilt from a fresh database with the
commands a coordinator runs (tests/fixtures/decisions/2016/commands.txt): the ICLD
partnership with Theewaterskloof and its three rejected applications with ICLD's reasons, the
Nordplus applications with Cēsis (one granted, one rejected), DIGIT as a running ESF project,
the twinning activities, the KS draft of an application, and the next ICLD round telling what
ICLD said last time. The report and the KS draft are golden files (sv); both open as docx."""

from __future__ import annotations

import email
import email.policy
import json
import shlex
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from typer.testing import CliRunner

from monitor.app import open_store
from monitor.cli import app
from monitor.model import CALL, Item, Tag
from tests.conftest import FIXTURES, NOW, copy_config
from tests.decisions_scenario import add_digests
from tests.hermetic import check_golden, clear_environment

SCENARIO = FIXTURES / "decisions" / "2016"
GOLDEN_REPORT = FIXTURES / "decisions" / "report-2016.md"
GOLDEN_DRAFT = FIXTURES / "decisions" / "ks-underlag-2016.md"
TZ = ZoneInfo("Europe/Stockholm")
AFTER_THE_YEAR = "2017-01-20T09:00:00+01:00"


def _add_calls(db: Path) -> None:
    with open_store(db) as store:
        for call in json.loads((SCENARIO / "calls.json").read_text(encoding="utf-8")):
            item = Item(source=call["source"], native_id=call["native_id"], kind=CALL,
                        title=call["title"], url=f"https://example.org/{call['native_id']}",
                        summary=call["summary"], programme=call["programme"],
                        opens=datetime.fromisoformat(call["opens"]) if call.get("opens") else None,
                        deadlines=[datetime.fromisoformat(d) for d in call["deadlines"]])
            seen = datetime.fromisoformat(call["first_seen"]).replace(hour=7, tzinfo=timezone.utc)
            store.upsert_items([item], now=seen)
            store.replace_tags(item.id, [Tag("committee", c, 1.0 - i / 10) for i, c in
                                         enumerate(call["committees"])]
                               + [Tag("priority", p, 1.0) for p in call["priorities"]], now=NOW)
        # The coordinator's weekly overview went out every Monday of 2016 up to 26 December.
        add_digests(store, committees=("all",), year=2016, until="2016-12-26")


class Year:
    """The scenario run once: the CLI on a copied configuration and a fresh database."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root, self.mp = root, monkeypatch
        self.config = copy_config(root)
        shutil.copy(SCENARIO / "meetings.toml", self.config / "meetings.toml")
        self.runner = CliRunner()
        self.results: list[tuple[str, object]] = []

    def run(self, *args: str, at: str = AFTER_THE_YEAR, lang: str | None = None):  # noqa: ANN201
        self.mp.setenv("MONITOR_NOW", at)
        base = ["--config", str(self.config)] + (["--lang", lang] if lang else [])
        return self.runner.invoke(app, [*base, *args], catch_exceptions=False)

    def replay(self) -> None:
        self.run("applications")  # creates the database through the CLI's own store
        _add_calls(self.root / "monitor.db")
        for line in (SCENARIO / "commands.txt").read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            day, command = (part.strip() for part in line.split("|", 1))
            at = datetime.fromisoformat(day).replace(hour=9, tzinfo=TZ).isoformat()
            args = [a.replace("{out}", str(self.root)) for a in shlex.split(command)]
            result = self.run(*args, at=at)
            assert result.exit_code == 0, (line, result.output)
            self.results.append((line, result))


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    with pytest.MonkeyPatch.context() as mp:
        clear_environment(mp)
        root = tmp_path_factory.mktemp("year2016")
        mp.chdir(root)  # module-scoped: before the per-test working directory exists
        scenario = Year(root, mp)
        scenario.replay()
        yield scenario


def _section(text: str, heading: str) -> str:
    """The Markdown under ``## heading`` up to the next ``## ``."""
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_report_matches_the_golden_file(year):
    result = year.run("report", "--year", "2016", "--assessment",
                      str(SCENARIO / "assessment.txt"))
    assert result.exit_code == 0, result.output
    check_golden(GOLDEN_REPORT, result.stdout)


def test_report_has_the_2016_sections_and_facts(year):
    text = year.run("report", "--year", "2016").stdout
    sections = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert sections == ["Partnerskap", "Vänorter",
                        "Internationellt samarbete inom förvaltningarna", "Ansökningar",
                        "Utlysningar som visades men inte söktes (3)", "Bedömning"]
    partnership = _section(text, "Partnerskap")
    assert "Theewaterskloof (Sydafrika)" in partnership
    assert partnership.count(": avslagen") == 3  # the three ICLD applications, with reasons
    assert "sök igen i nästa omgång 15 september–15 oktober" in partnership
    twinning = _section(text, "Vänorter")
    for fact in ("Savigny-le-Temples jubileum", "Dansläger för unga med Cesis",
                 "Körbesök i Cesis", "Fotbollslag från Savigny-le-Temple",
                 "Redovisat för KS 20 september 2016", "Inte redovisat för KS",
                 "Nordplus Junior 2016 (Nordplus Junior), Barn- och utbildningsnämnden: beviljad",
                 "Nordplus Vuxen 2016 (Nordplus Vuxen), Gymnasie- och vuxenutbildningsnämnden: "
                 "avslagen", "Cēsis (Lettland)"):
        assert fact in twinning, fact
    departments = _section(text, "Internationellt samarbete inom förvaltningarna")
    assert ("DIGIT: digital kompetens för omsorgspersonal (projekt, Äldre- och "
            "omsorgsnämnden, december 2015–november 2018, finansiering: ESF)") in departments
    assert "Skolans utbyte med Indien" in departments and "Indien" in departments
    assert "| Summa | 5 | 1 | 1\u00a0240\u00a0000\u00a0kr | 110\u00a0000\u00a0kr |" in text
    assert "[Samordnarens bedömning" in text  # no --assessment: a visible placeholder


def test_shown_but_not_applied_for_is_open_calls_from_a_digest(year):
    text = year.run("report", "--year", "2016").stdout
    shown = _section(text, "Utlysningar som visades men inte söktes (3)")
    assert "| Europe for Citizens: Town Twinning 2016 | Europe for Citizens | ks, kfn |" in shown
    assert "Kommunala partnerskap: ansökningsomgång hösten 2016" in shown  # ks did not apply
    assert "Nordplus Junior 2016" in shown  # kfn did not apply
    assert "Kompetensutveckling i välfärden 2016" not in shown  # after the last digest
    assert "Socialfondsutlysning 2015" not in shown  # already closed when first seen


def test_report_as_docx_and_xlsx(year, tmp_path):
    out = tmp_path / "rapport-2016.docx"
    result = year.run("report", "--year", "2016", "--format", "docx", "-o", str(out),
                      "--assessment", str(SCENARIO / "assessment.txt"))
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[:3] == ["Partnerskap", "Vänorter",
                            "Internationellt samarbete inom förvaltningarna"]
    body = _docx_text(out)
    assert "Theewaterskloof (Sydafrika)" in body and "Partnerskapet med Theewaterskloof" in body
    assert "1\u00a0240\u00a0000\u00a0kr" in body  # the summary table is a Word table
    sheet = tmp_path / "rapport-2016.xlsx"
    assert year.run("report", "--year", "2016", "--format", "xlsx", "-o",
                    str(sheet)).exit_code == 0
    import zipfile
    with zipfile.ZipFile(sheet) as book:
        names = book.namelist()
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert sum(n.startswith("xl/worksheets/sheet") for n in names) == 4
    assert "DIGIT: digital kompetens för omsorgspersonal" in strings and "Visad för" in strings
    with zipfile.ZipFile(sheet) as book:
        summary = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<v>1240000</v>" in summary  # amounts are numbers in Excel, not text
    assert year.run("report", "--year", "2016", "--format", "docx").exit_code == 2  # needs -o


def test_ks_draft_golden_and_docx(year):
    md = (year.root / "ks-underlag-3.md").read_text(encoding="utf-8")
    check_golden(GOLDEN_DRAFT, md)
    body = _docx_text(year.root / "ks-underlag-3.docx")
    for fact in ("Godkännande av att Social- och arbetsmarknadsnämnden ansöker om medverkan i "
                 "Ungas delaktighet i Tyresö och Theewaterskloof",
                 "Kommunstyrelsen godkänner att Social- och arbetsmarknadsnämnden ansöker",
                 "15 oktober 2016", "Kommunstyrelsen sammanträder 27 september 2016 (ärendet "
                 "till KS senast 6 september 2016)", "Social- och arbetsmarknadsnämnden "
                 "sammanträder 31 augusti 2016", "Theewaterskloof (Sydafrika)",
                 "400\u00a0000\u00a0kr", "mars 2017–februari 2018", "[medfinansiering]",
                 "Förslag till beslut", "Beskrivning av ärendet",
                 "Koppling till den internationella policyn", "Ekonomi", "Beslutsunderlag",
                 "Tidigare ansökningar till programmet:", "Tidigare ansökan (2016) avslogs: "
                 "Projektets mål och aktiviteter hänger inte tydligt ihop",
                 "Verksamhetsutveckling"):
        assert fact in body, fact


def test_apply_warns_when_ks_cannot_decide_in_time(year):
    warnings = {line.split("|")[1].strip(): result.stderr for line, result in year.results
                if line.split("|")[1].strip().startswith("apply")}
    nordplus = next(v for k, v in warnings.items() if "junior-2016" in k)
    assert "Varning: KS hinner inte besluta före sista dag 1 februari 2016" in nordplus
    spring = next(v for k, v in warnings.items() if "2016-var --committee ks" in k)
    assert "Varning" not in spring  # KS 23 February for 15 March: in time
    san = next(v for k, v in warnings.items() if "2016-host" in k)
    assert "Varning" not in san  # in time: KS 27 September for 15 October


def test_the_next_icld_round_says_why_the_last_was_rejected(year):
    calls = year.run("calls", "--format", "json")
    [row] = [r for r in json.loads(calls.stdout) if r["id"].endswith("2017-host")]
    assert row["earlier"][0] == (
        "Tidigare ansökan (2016) avslogs: Partnerskapets gemensamma mål behöver formuleras av "
        "båda kommunerna; sök igen i nästa omgång 15 september–15 oktober. Nästa omgång: 15 "
        "september 2017–15 oktober 2017.")
    assert len(row["earlier"]) == 3
    shown = year.run("show", "icld:kommunala-partnerskap-2017-host").stdout
    assert "Tidigare ansökan (2016) avslogs: Partnerskapets gemensamma mål" in shown
    table = year.run("calls").stdout
    assert "Tidigare ansökan (2016) avslogs" in table
    english = year.run("show", "icld:kommunala-partnerskap-2017-host", lang="en").stdout
    assert "An earlier application (2016) was rejected: Partnerskapets" in english
    assert "Next round: 15 September 2017–15 October 2017." in english
    nordplus = [r for r in json.loads(calls.stdout) if r["programme"] == "Nordplus Junior"]
    assert all(not r["earlier"] for r in nordplus)  # none open: nothing else to say


def test_activities_listed_and_unreported_visit_in_the_overview(year, tmp_path):
    listed = json.loads(year.run("activities", "--year", "2016", "--format", "json").stdout)
    assert [a["title"] for a in listed][:2] == ["Partnerskap med Theewaterskloof",
                                                "Savigny-le-Temples jubileum"]
    assert len(listed) == 7
    unreported = [a["title"] for a in listed if a["kind"] in ("visit", "received-visit")
                  and not a["reported_to_ks"]]
    assert unreported == ["Fotbollslag från Savigny-le-Temple"]
    kfn = json.loads(year.run("activities", "--committee", "kfn", "--format", "json").stdout)
    assert {a["committee"] for a in kfn} == {"kfn"} and len(kfn) == 3
    preview = tmp_path / "preview"
    assert year.run("subscribe", "all", "--email", "samordnare@example.org").exit_code == 0
    result = year.run("digest", "--committee", "all", "--preview", str(preview),
                      "--period", "2017-W03")
    assert result.exit_code == 0, result.output
    [mail] = [p for p in preview.iterdir() if p.suffix == ".eml"]
    message = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Vänortsbesök att redovisa för KS" in text and "Fotbollslag" in text
    assert "Körbesök" not in text  # reported to KS on 18 October
    assert "Vänortsbesök att redovisa för KS (1)" in html
    # the next ICLD round's entry says what ICLD said last time
    assert "Tidigare ansökan (2016) avslogs: Partnerskapets gemensamma mål" in text
    assert "Nästa omgång: 15 september 2017–15 oktober 2017." in html
    english = year.run("activity", "5", lang="en").stdout
    assert "received visit" in english and "not been reported to KS" in english
