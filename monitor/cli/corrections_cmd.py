"""``monitor correct`` and ``monitor suggest-rules``: people's corrections of the tags."""

from __future__ import annotations

import json
from typing import List, Optional

import typer

from monitor.cli._rules import tagger_of as _tagger
from monitor.cli.applications_cmd import _who  # --by, else [organisation] coordinator
from monitor.cli.common import cli_errors, console, err, state
from monitor.cli.usage import UsageError, resolve_committee, resolve_priority
from monitor.matchers.priorities import PriorityMatcher
from monitor.matchers.retag import item_from_row
from monitor.matchers.suggest import disagreements, suggest_diff
from monitor.matchers.tagger import FILE_NAME
from monitor.model import LEGISLATION
from monitor.store import corrections as fixes
from monitor.text.i18n import add_messages, t

__all__ = ["correct", "suggest_rules", "print_disagreements"]

add_messages({
    "correct_not_found": {"sv": "Ingen post med id {id!r}.", "en": "No item with id {id!r}."},
    "correct_nothing": {"sv": "Ange minst en av --add, --remove, --priority, --remove-priority.",
                        "en": "Give at least one of --add, --remove, --priority, "
                              "--remove-priority."},
    "correct_done": {"sv": "Rättelse {n} sparad för {id}: nämnder {before} → {after}. {text}",
                     "en": "Correction {n} saved for {id}: committees {before} → {after}. "
                           "{text}"},
    "correct_none": {"sv": "inga", "en": "none"},
    "corrections_none": {"sv": "Reglerna stämmer med alla sparade rättelser.",
                         "en": "The rules agree with every stored correction."},
    "corrections_line": {"sv": "{id}  {title}\n  regler: {rules}  rättat: {fixed}",
                         "en": "{id}  {title}\n  rules: {rules}  corrected: {fixed}"},
    "suggest_none": {"sv": "Inga ändringar att föreslå.", "en": "No changes to propose."},
})


@cli_errors
def correct(ctx: typer.Context,
            item_id: str = typer.Argument(..., metavar="ID"),
            add: List[str] = typer.Option([], "--add", help="Nämnd att lägga till"),
            remove: List[str] = typer.Option([], "--remove", help="Nämnd att ta bort"),
            priority: List[str] = typer.Option([], "--priority",
                                               help="Prioriterat område att lägga till"),
            remove_priority: List[str] = typer.Option([], "--remove-priority",
                                                      help="Prioriterat område att ta bort"),
            reason: str = typer.Option(..., "--reason", help="Varför (visas som 'Rättad av')"),
            by: Optional[str] = typer.Option(None, "--by", help="Vem (standard: samordnaren i inställningarna)")
            ) -> None:
    """Rätta en posts taggar: rättelsen går före reglerna och finns kvar efter retag och
    nya hämtningar. Vem, när och varför sparas och visas som "Rättad av …: …".

    Example: monitor correct eu-funding:X --add kfn --remove bun --reason "Läsfrämjande"
    """
    st = state(ctx)
    lang = st.lang
    config = st.config  # committees and priority areas by id, name or a unique beginning
    add = [resolve_committee(config, v, option="--add") or v for v in add]
    remove = [resolve_committee(config, v, option="--remove") or v for v in remove]
    priority = [resolve_priority(config, v, option="--priority") or v for v in priority]
    remove_priority = [resolve_priority(config, v, option="--remove-priority") or v
                       for v in remove_priority]
    if not (add or remove or priority or remove_priority):
        raise UsageError("", "", reason="correct_nothing")
    if not reason.strip():
        raise UsageError("--reason", reason, reason="correct_nothing")
    tagger = _tagger(st)
    store = st.read_store
    row = store.get_item(item_id)
    if row is None:
        err.print(t("correct_not_found", lang, id=item_id), markup=False)
        raise typer.Exit(2)
    before = row.committees
    item = item_from_row(row)
    rules = tagger.tag(item)
    if add and not priority and not any(x.dimension == "priority" for x in rules):
        priority = [_default_priority(tagger, item.kind)]  # a relevant item has one
    now = st.now
    with store.write() as conn:
        done = fixes.add(conn, row.id, add_committees=add, remove_committees=remove,
                         add_priorities=[p for p in priority if p], remove_priorities=remove_priority,
                         reason=reason.strip(), by=_who(st, by), now=now)
        store.replace_tags(row.id, rules, now=now)
    after = store.get_item(row.id).committees
    none = t("correct_none", lang)
    console.print(t("correct_done", lang, n=done.id, id=row.id,
                    before=", ".join(before) or none, after=", ".join(after) or none,
                    text=fixes.text(done, lang)), markup=False, highlight=False,
                  soft_wrap=True)


def _default_priority(tagger, kind: str) -> str:  # noqa: ANN001
    matcher = next((m for m in tagger.matchers if isinstance(m, PriorityMatcher)), None)
    if matcher is None:
        return ""
    return matcher.legislation if kind == LEGISLATION else matcher.call


def print_disagreements(st, fmt: str) -> None:  # noqa: ANN001
    """``monitor eval --corrections``: where the rules disagree with stored corrections."""
    found = disagreements(st.store, _tagger(st))
    if fmt == "json":
        typer.echo(json.dumps([{"id": d.id, "title": d.title, "rules": d.rules,
                                "corrected": d.corrected, "added": d.added,
                                "removed": d.removed, "why": d.why,
                                "corrections": d.corrections} for d in found],
                              ensure_ascii=False, indent=2))
        return
    if not found:
        console.print(t("corrections_none", st.lang), markup=False)
        return
    none = t("correct_none", st.lang)
    for d in found:
        console.print(t("corrections_line", st.lang, id=d.id, title=d.title,
                        rules=", ".join(d.rules) or none, fixed=", ".join(d.corrected) or none),
                      markup=False, highlight=False, soft_wrap=True)
        for c in d.corrections:
            console.print(f"  {c['text_en'] if st.lang == 'en' else c['text']} ({c['at'][:10]})",
                          markup=False, highlight=False, soft_wrap=True)
        for committee in d.removed:
            console.print(f"  {committee}: " + "; ".join(d.why.get(committee, ())),
                          markup=False, highlight=False, soft_wrap=True)


@cli_errors
def suggest_rules(ctx: typer.Context) -> None:
    """Föreslå ändringar i matching.toml utifrån sparade rättelser, som en diff att granska.
    Inget ändras: lägg in ändringen själv, kör monitor eval och monitor retag.

    Example: monitor suggest-rules > forslag.diff
    """
    st = state(ctx)
    diff = suggest_diff(st.config.dir / FILE_NAME, disagreements(st.store, _tagger(st)))
    if not diff:
        console.print(t("suggest_none", st.lang), markup=False)
        return
    typer.echo(diff, nl=False)
