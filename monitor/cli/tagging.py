"""``monitor tag``, ``monitor eval`` and ``monitor retag``: the matching rules at work."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text

from monitor.cli._kinds import print_kinds
from monitor.cli._rules import tagger_of as _tagger
from monitor.cli.common import State, check_format, cli_errors, console, err, state
from monitor.cli.eligibility_text import eligibility_of_tags
from monitor.cli.usage import UsageError
from monitor.matchers.evaluate import (EvalReport, FieldReport, LineError, Record, evaluate,
                                       read_items)
from monitor.matchers.retag import retag as retag_store
from monitor.text.i18n import add_messages, t

add_messages({
    "tag_line_error": {"sv": "{file}: rad {line}: {problem}",
                       "en": "{file}: line {line}: {problem}"},
    "line_not_json": {"sv": "inte giltig JSON ({detail})", "en": "not valid JSON ({detail})"},
    "line_not_utf8": {"sv": "inte UTF-8-text ({detail})", "en": "not UTF-8 text ({detail})"},
    "line_not_object": {"sv": "inte ett JSON-objekt", "en": "not a JSON object"},
    "line_missing": {"sv": "fältet {field!r} saknas eller är tomt",
                     "en": "field {field!r} is missing or empty"},
    "line_bad_kind": {"sv": "kind {value!r} är okänd (giltiga: {valid})",
                      "en": "kind {value!r} is unknown (valid: {valid})"},
    "line_not_text": {"sv": "fältet {field!r} måste vara text",
                      "en": "field {field!r} must be text"},
    "line_no_labels": {"sv": "fältet {field!r} måste vara en lista med id:n",
                       "en": "field {field!r} must be a list of ids"},
    "tag_lines_failed": {"sv": "{count} rader kunde inte läsas; övriga är behandlade.",
                         "en": "{count} lines could not be read; the others were processed."},
    "eval_items": {"sv": "{items} poster utvärderade", "en": "{items} items evaluated"},
    "eval_committees": {"sv": "Nämnder (makro-F1 {f1:.3f})",
                        "en": "Committees (macro-F1 {f1:.3f})"},
    "eval_priorities": {"sv": "Prioriterade områden (makro-F1 {f1:.3f})",
                        "en": "Priority areas (macro-F1 {f1:.3f})"},
    "eval_none": {"sv": "Poster utan nämnd som ändå fick en: {tagged} av {total}",
                  "en": "Items labelled with no committee that got one: {tagged} of {total}"},
    "eval_needs_file": {"sv": "ange en fil med märkta poster, eller --corrections",
                        "en": "give a file of labelled items, or --corrections"},
    "eval_ineligible": {"sv": "Utlysningar som kommunen inte kan söka: {count} (varav {labelled} "
                              "märkta med en nämnd)",
                        "en": "Calls the municipality cannot apply for: {count} ({labelled} of "
                              "them labelled with a committee)"},
    "eval_misses": {"sv": "Missar ({count})", "en": "Misses ({count})"},
    "eval_no_misses": {"sv": "Inga missar.", "en": "No misses."},
    "eval_expected": {"sv": "väntat", "en": "expected"},
    "eval_got": {"sv": "fick", "en": "got"},
    "eval_why": {"sv": "varför", "en": "why"},
    "col_label": {"sv": "Etikett", "en": "Label"},
    "col_precision": {"sv": "Precision", "en": "Precision"},
    "col_recall": {"sv": "Täckning", "en": "Recall"},
    "col_f1": {"sv": "F1", "en": "F1"},
    "col_support": {"sv": "Antal", "en": "Support"},
    "retag_progress": {"sv": "Taggar om", "en": "Re-tagging"},
    "retag_done": {"sv": "{items} poster taggade om: {tagged} med nämnd, {changed} med "
                         "ändrade taggar.",
                   "en": "{items} items re-tagged: {tagged} with a committee, {changed} with "
                         "changed tags."},
})


@contextmanager
def _lines(path: str, lang: str) -> Iterator[Any]:
    """The file's lines as bytes (``-`` is standard input)."""
    if path == "-":
        yield sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
        return
    try:
        handle = Path(path).open("rb")
    except OSError:
        raise UsageError("FILE", path, reason="usage.not_path") from None
    with handle:
        yield handle


def _read(path: str, lang: str, *, labels: bool) -> tuple[list[Record], int]:
    """Good records, and the count of bad lines (each reported on stderr as it is met)."""
    records, errors = [], 0
    with _lines(path, lang) as lines:
        for entry in read_items(lines, labels=labels):
            if isinstance(entry, LineError):
                errors += 1
                _report(entry, path, lang)
            else:
                records.append(entry)
    return records, errors


def _report(error: LineError, path: str, lang: str) -> None:
    problem = t(error.problem, lang, **error.values)
    err.print(t("tag_line_error", lang, file=path, line=error.line, problem=problem),
              markup=False, highlight=False, soft_wrap=True)


def _finish(errors: int, lang: str) -> None:
    if errors:
        err.print(t("tag_lines_failed", lang, count=errors), markup=False, highlight=False,
                  soft_wrap=True)
        raise typer.Exit(1)


@cli_errors
def tag(ctx: typer.Context,
        file: str = typer.Argument(..., metavar="FILE", help="JSON Lines, eller - för stdin")
        ) -> None:
    """Tagga poster ur en JSON Lines-fil och skriv en JSON-rad per post med nämnder,
    prioriterade områden och varför.

    Varje rad: id, source, kind, language, title, summary, programme (andra fält ignoreras).
    En felaktig rad rapporteras med radnummer, övriga behandlas, och exit-status blir 1.

    Example: monitor tag items.jsonl > tags.jsonl
    """
    st = state(ctx)
    tagger = _tagger(st)
    records, errors = _read(file, st.lang, labels=False)
    for record in records:
        tags = tagger.tag(record.item)
        out = {"id": record.id,
               "committees": [x.tag for x in tags if x.dimension == "committee"],
               "priorities": [x.tag for x in tags if x.dimension == "priority"],
               "why": {x.tag: list(x.evidence) for x in tags
                       if x.dimension in ("committee", "priority")}}
        found = eligibility_of_tags(tags)
        out.update({key: found[key] for key in ("regions", "eligible", "eligibility_reason",
                                                "eligibility_reason_en")})
        typer.echo(json.dumps(out, ensure_ascii=False))
    _finish(errors, st.lang)


@cli_errors
def eval_(ctx: typer.Context,
          file: Optional[str] = typer.Argument(None, metavar="FILE",
                                               help="Märkta poster (JSON Lines)"),
          fmt: str = typer.Option("table", "--format", "-f", help="table eller json"),
          corrections: bool = typer.Option(False, "--corrections",
                                           help="Visa var reglerna avviker från sparade "
                                                "rättelser")) -> None:
    """Jämför taggningen med märkta poster: precision, täckning och F1 per etikett,
    makro-F1 för nämnder och prioriterade områden, och missarna med motivering.

    Raderna har samma fält som för monitor tag plus committees och priorities. Med
    --corrections (utan fil): de lagrade poster där reglerna avviker från en rättelse.

    Example: monitor eval labelled.jsonl --format json
    """
    st = state(ctx)
    fmt = check_format(fmt, {"table": "table", "tabell": "table", "json": "json"})
    if corrections:
        from monitor.cli.corrections_cmd import print_disagreements
        print_disagreements(st, fmt)
        return
    if file is None:
        raise UsageError("FILE", "", reason="eval_needs_file")
    tagger = _tagger(st)
    records, errors = _read(file, st.lang, labels=True)
    report = evaluate(tagger, records)
    if fmt == "json":
        typer.echo(json.dumps(_report_json(report, errors), ensure_ascii=False, indent=2))
    else:
        _print_report(report, st.lang)
    _finish(errors, st.lang)


def _field_json(field: FieldReport) -> dict[str, Any]:
    return {"macro_f1": round(field.macro_f1, 4),
            "labels": {label: s.as_dict() for label, s in sorted(field.labels.items())}}


def _report_json(report: EvalReport, errors: int) -> dict[str, Any]:
    return {"items": report.items, "bad_lines": errors,
            "committees": _field_json(report.committees),
            "priorities": _field_json(report.priorities),
            "no_committee": {"items": report.none_total, "tagged": report.none_tagged},
            "not_eligible": {"items": report.ineligible,
                             "labelled_with_committee": report.ineligible_labelled,
                             "rules": dict(sorted(report.reasons.items()))},
            "misses": [vars(m) for m in report.misses]}


def _print_report(report: EvalReport, lang: str) -> None:
    console.print(t("eval_items", lang, items=report.items), markup=False)
    for key, field in (("eval_committees", report.committees),
                       ("eval_priorities", report.priorities)):
        table = Table(title=t(key, lang, f1=field.macro_f1), title_justify="left")
        for column in ("col_label", "col_precision", "col_recall", "col_f1", "col_support"):
            table.add_column(t(column, lang), justify="left" if column == "col_label"
                             else "right")
        for label, s in sorted(field.labels.items()):
            table.add_row(label, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}",
                          str(s.tp + s.fn))
        console.print(table)
    console.print(t("eval_none", lang, tagged=report.none_tagged, total=report.none_total),
                  markup=False)
    console.print(t("eval_ineligible", lang, count=report.ineligible,
                    labelled=report.ineligible_labelled), markup=False)
    for rule, count in sorted(report.reasons.items()):
        console.print(f"  {rule}: {count}", markup=False, highlight=False)
    if not report.misses:
        console.print(t("eval_no_misses", lang), markup=False)
        return
    console.print(Text(t("eval_misses", lang, count=len(report.misses)), style="bold"))
    for miss in report.misses:
        console.print(Text(f"{miss.id}  {miss.title}", style="bold"))
        for key, tags in (("eval_expected", miss.expected), ("eval_got", miss.got)):
            shown = " | ".join(", ".join(v) or "-" for v in tags.values())
            console.print(Text(f"  {t(key, lang)}: {shown}"))
        console.print(Text(f"  {t('eval_why', lang)}:"))
        for label, evidence in miss.why.items():
            console.print(Text(f"    {label}: " + "; ".join(evidence)))


@cli_errors
def retag(ctx: typer.Context,
          batch_size: int = typer.Option(500, "--batch-size", min=1,
                                         help="Poster per transaktion")) -> None:
    """Tagga om alla lagrade poster efter en ändring i config/matching.toml.

    Posterna taggas i omgångar; varje omgång sparas i en transaktion.

    Example: monitor retag
    """
    st = state(ctx)
    tagger = _tagger(st)
    store = st.read_store
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.completed}/{task.total}"), console=err,
                        transient=True, disable=not err.is_terminal)
    with progress:
        task = progress.add_task(t("retag_progress", st.lang), total=store.count_items())
        result = retag_store(store, tagger, batch_size=batch_size, now=st.now,
                             on_batch=lambda n: progress.advance(task, n))
    console.print(t("retag_done", st.lang, items=result.items, tagged=result.tagged,
                    changed=result.changed), markup=False, highlight=False)



matchers_app = typer.Typer(help="Matchningsregler: typerna i matching.toml.", no_args_is_help=True)


@matchers_app.command("kinds")
def matcher_kinds(ctx: typer.Context) -> None:
    """Regeltyper (tabeller) som kan användas i matching.toml, med dokumentation och nycklar;
    för en [[typ]]-lista nycklarna i varje post.

    Example: monitor matchers kinds
    """
    from monitor.matchers import registry  # every matcher module registers on import

    print_kinds(registry, state(ctx).lang)
