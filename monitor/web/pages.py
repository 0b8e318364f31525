"""The HTML pages: open calls, one call, legislation, applications, a committee, sources."""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from monitor.config.committees import committees, priorities
from monitor.decisions.applications import (GRANTED, INTENT, KS_APPROVED, REJECTED, SUBMITTED,
                                            WITHDRAWN, list_applications, status_label)
from monitor.decisions.decide_by import decide_by_cell, decide_by_for_row, decision_timeline
from monitor.decisions.earlier import earlier_for_row
from monitor.decisions.meetings import meetings
from monitor.decisions.progress import format_next_step, progress_of
from monitor.digests.decision_steps import next_round_after
from monitor.digests.entry_facts import plain_why
from monitor.model import CALL, LEGISLATION, from_iso
from monitor.pipeline.health import source_status
from monitor.store.eligibility import reason_text
from monitor.store.listing import list_items
from monitor.store.rows import ItemQuery, StoredItem
from monitor.text.i18n import add_messages, t
from monitor.web.context import WebContext, bound, item_path
from monitor.web.params import check_params, resolve_committee
from monitor.web.timeline import timeline_boxes

__all__ = ["routes", "why_line"]

PAGE_SIZE = 100

add_messages({
    "web.site": {"sv": "Omvärldsbevakning", "en": "Horizon scanning"},
    "web.nav_calls": {"sv": "Utlysningar", "en": "Calls"},
    "web.nav_legislation": {"sv": "Lagstiftning och remisser", "en": "Legislation"},
    "web.nav_applications": {"sv": "Ansökningar", "en": "Applications"},
    "web.nav_sources": {"sv": "Källor", "en": "Sources"},
    "web.nav_committees": {"sv": "Nämnder", "en": "Committees"},
    "web.calls_title": {"sv": "Öppna och kommande utlysningar", "en": "Open and forthcoming calls"},
    "web.filter": {"sv": "Filtrera", "en": "Filter"},
    "web.clear": {"sv": "Rensa", "en": "Clear"},
    "web.any": {"sv": "alla", "en": "any"},
    "web.search": {"sv": "Sök", "en": "Search"},
    "web.closing_within": {"sv": "Sista dag inom (dagar)", "en": "Deadline within (days)"},
    "web.include_closed": {"sv": "Även stängda och ej sökbara", "en": "Also closed and not open to us"},
    "web.count": {"sv": "{n} utlysningar visas", "en": "{n} calls shown"},
    "web.count_legislation": {"sv": "{n} poster visas", "en": "{n} items shown"},
    "web.more": {"sv": "Visa fler", "en": "Show more"},
    "web.why": {"sv": "Varför", "en": "Why"},
    "web.untagged": {"sv": "ingen nämnd matchade", "en": "no committee matched"},
    "web.deadlines": {"sv": "Sista dagar", "en": "Deadlines"},
    "web.deadline_aim": {"sv": "planen siktar på denna", "en": "the plan aims at this one"},
    "web.deadline_skipped": {"sv": "för sent för KS-beslut", "en": "too late for a KS decision"},
    "web.deadline_passed": {"sv": "passerad", "en": "passed"},
    "web.deadline_stage": {"sv": "steg {n}", "en": "stage {n}"},
    "web.dates_text": {"sv": "Fler datum ur källans text", "en": "More dates in the source's text"},
    "web.role_deadline": {"sv": "sista dag", "en": "deadline"},
    "web.role_opens": {"sv": "öppnar", "en": "opens"},
    "web.role_published": {"sv": "publicerad", "en": "published"},
    "web.role_unknown": {"sv": "datum", "en": "date"},
    "web.dim_committee": {"sv": "nämnd", "en": "committee"},
    "web.dim_priority": {"sv": "prioriterat område", "en": "priority area"},
    "web.committee": {"sv": "Nämnd", "en": "Committee"},
    "web.timeline": {"sv": "Beslutsgång", "en": "Decision timeline"},
    "web.no_timeline": {"sv": "Ingen beslutsgång: ingen kommande sista dag eller ingen "
                              "sammanträdesplan.",
                        "en": "No timeline: no coming deadline or no meeting calendar."},
    "web.tags": {"sv": "Taggar och varför", "en": "Tags and why"},
    "web.history": {"sv": "Ändringar", "en": "Changes"},
    "web.earlier": {"sv": "Tidigare ansökningar till programmet",
                    "en": "Earlier applications to the programme"},
    "web.also_at": {"sv": "Även hos", "en": "Also at"},
    "web.open_source": {"sv": "Till källan", "en": "At the source"},
    "web.details": {"sv": "Uppgifter", "en": "Details"},
    "web.language": {"sv": "Språk", "en": "Language"},
    "web.not_eligible": {"sv": "Kommunen kan inte söka: {reason}",
                         "en": "The municipality cannot apply: {reason}"},
    "web.corrections": {"sv": "Rättelser", "en": "Corrections"},
    "web.summary": {"sv": "Beskrivning", "en": "Summary"},
    "web.feeds": {"sv": "Prenumerera", "en": "Subscribe"},
    "web.feed_ics": {"sv": "Kalender (Outlook: lägg till kalender från internet)",
                     "en": "Calendar (Outlook: add calendar from the internet)"},
    "web.feed_atom": {"sv": "Nyhetsflöde (Atom)", "en": "News feed (Atom)"},
    "web.api": {"sv": "Som JSON", "en": "As JSON"},
    "web.board_title": {"sv": "Ansökningar", "en": "Applications"},
    "web.board_decision": {"sv": "beslut", "en": "decision"},
    "web.next_step": {"sv": "Nästa steg", "en": "Next step"},
    "web.none": {"sv": "Inga.", "en": "None."},
    "web.sources_title": {"sv": "Källornas hälsa", "en": "Health of the sources"},
    "web.outcome_ok": {"sv": "ok", "en": "ok"},
    "web.outcome_unchanged": {"sv": "oförändrad", "en": "unchanged"},
    "web.outcome_error": {"sv": "misslyckades", "en": "failed"},
    "web.legislation_title": {"sv": "Lagstiftning, förslag och remisser",
                              "en": "Legislation, proposals and consultations"},
    "web.unknown_item": {"sv": "Ingen post med id {id!r}.", "en": "No item with id {id!r}."},
    "web.committee_calls": {"sv": "Utlysningar", "en": "Calls"},
    "web.committee_legislation": {"sv": "Lagstiftning och remisser", "en": "Legislation"},
    "web.all_calls": {"sv": "Alla utlysningar för nämnden", "en": "All the committee's calls"},
})

BOARD = (INTENT, KS_APPROVED, SUBMITTED, "decision")
# What the sources' own fields (Item.extra) are called on a call page; others show their key.
EXTRA_LABELS = {
    "budget": ("Budget", "Budget"), "budget_sek": ("Budget (kr)", "Budget (SEK)"),
    "call_identifier": ("Utlysningens beteckning", "Call identifier"),
    "call_title": ("Utlysningens titel", "Call title"),
    "deadline_model": ("Modell för sista dag", "Deadline model"),
    "identifier": ("Beteckning", "Identifier"), "keywords": ("Nyckelord", "Keywords"),
    "parent_title": ("Överordnad utlysning", "Parent call"), "project": ("Projekt", "Project"),
    "project_acronym": ("Projektets förkortning", "Project acronym"),
    "types_of_action": ("Typ av insats", "Types of action"),
    "ministry": ("Departement", "Ministry"), "page_title": ("Sidans titel", "Page title"),
    "planned": ("Planerad", "Planned"), "evidence": ("Ur texten", "From the text"),
}


def extra_label(key: str, lang: str) -> str:
    labels = EXTRA_LABELS.get(key)
    return labels[1 if lang == "en" else 0] if labels else key


def why_line(row: StoredItem, names: dict[str, str], lang: str, *,
             priority_names: dict[str, str], only: str | None = None) -> str:
    """Why the row is listed, per committee tag, in the digest's plain words
    (:func:`monitor.digests.entry_facts.plain_why`): "BUN: Matchade: skola · programmet Erasmus+"."""
    parts = []
    for ident in row.committees:
        if only and ident != only:
            continue
        why = plain_why(row, [ident], lang, priority_names={}, committee_names=names)
        parts.append(f"{names.get(ident, ident)}: {why}" if why else names.get(ident, ident))
    if not parts:
        return t("web.untagged", lang)
    areas = [priority_names[p] for p in row.priorities if p in priority_names]
    if areas:  # the item's, not a committee's: said once
        parts[-1] += " · " + t("why.priorities", lang, names=", ".join(areas))
    return "; ".join(parts)


def _short_names(web: WebContext) -> dict[str, str]:
    return {ident: ident.upper() for ident in committees(web.config)}


def _why_lines(web: WebContext, rows: list[StoredItem], lang: str,
               only: str | None = None) -> list[dict[str, Any]]:
    """The listing's rows for a template: each item's fields with its ``why_line`` and (a
    call) its ``decide_cell``."""
    names = _short_names(web)
    priority_names = {ident: p.display_name(lang) for ident, p in priorities(web.config).items()}
    shown = []
    for row in rows:
        cells = row.as_dict()
        cells["why_line"] = why_line(row, names, lang, priority_names=priority_names, only=only)
        if row.kind == CALL:
            cells["decide_cell"] = decide_by_cell(getattr(row, "decide_by", None), lang,
                                                  tz=web.tz)
        shown.append(cells)
    return shown


def _form_context(web: WebContext) -> dict[str, Any]:
    return {"committees": committees(web.config), "priorities": priorities(web.config),
            "sources": [s.name for s in web.config.sources]}


def index(web: WebContext, request: Request) -> HTMLResponse:
    listing = web.listing(request, CALL, PAGE_SIZE)
    return web.render(request, "index.html", lang=listing.lang, filters=listing.filters,
                      rows=_why_lines(web, listing.rows, listing.lang, listing.filters.committee),
                      more=listing.more, limit=listing.limit,
                      api=("/api/calls", listing.filters.as_params()), **_form_context(web))


def _deadline_rows(row: StoredItem, plan: Any, now: Any, lang: str
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every deadline with what it is for (the source's sentence, the stage, passed, out of
    reach for KS, or the one the plan aims at), and the other dates the source's text gave."""
    two_stage = "two" in str(row.extra.get("deadline_model", "")).lower()
    skipped = set(plan.skipped) if plan else set()
    texts = {from_iso(d.get("when")): d.get("text", "") for d in row.extra.get("dates", [])
             if d.get("role") == "deadline" and not d.get("approximate")}
    out = []
    for index, value in enumerate(row.deadlines, start=1):
        when = from_iso(value)
        notes = [t("web.deadline_stage", lang, n=index)] if two_stage else []
        if when is not None and when < now:
            notes.append(t("web.deadline_passed", lang))
        elif when in skipped:
            notes.append(t("web.deadline_skipped", lang))
        elif plan is not None and when == plan.deadline and not plan.too_late:
            notes.append(t("web.deadline_aim", lang))
        out.append({"when": value, "notes": notes, "text": texts.get(when, "")})
    shown = {from_iso(v) for v in row.deadlines}
    other = [d for d in row.extra.get("dates", []) if not (
        d.get("role") == "deadline" and not d.get("approximate")
        and from_iso(d.get("when")) in shown)]
    return out, other


def call(web: WebContext, request: Request) -> HTMLResponse:
    lang = web.lang(request)
    check_params(request.query_params, ("committee", "lang"), lang)
    item_id = request.path_params["item_id"]
    row = web.store.get_item(item_id)
    if row is None:
        raise HTTPException(404, t("web.unknown_item", lang, id=item_id))
    owner = request.query_params.get("committee")
    owner = resolve_committee(web.config, owner, lang) if owner else None
    now, calendar = web.clock(), meetings(web.config, web.store)
    plan = decide_by_for_row(row, calendar, committee=owner, now=now)
    later = next_round_after(web.store, row, now) if plan is not None and plan.too_late else ()
    known = committees(web.config)
    names = {ident: c.display_name(lang) for ident, c in known.items()}
    boxes, late = timeline_boxes(decision_timeline(plan, calendar, now, later_rounds=later),
                                 names=names, board=calendar.board, lang=lang, tz=web.tz,
                                 now=now)
    named = {"committee": known, "priority": priorities(web.config)}
    tags = [{**tag, "name": named.get(tag["dimension"], {}).get(tag["tag"]),
             "plain": plain_why(row, [tag["tag"]], lang, priority_names={},
                                committee_names=names) if tag["dimension"] == "committee"
             else ""} for tag in row.tags]
    apps = [a for a in list_applications(web.store) if a.item_id == row.id]
    deadlines, other_dates = _deadline_rows(row, plan, now, lang)
    return web.render(
        request, "call.html", lang=lang, row=row, plan=plan, tags=tags, steps=boxes, late=late,
        deadlines=deadlines, other_dates=other_dates, history=web.store.history(row.id),
        earlier=earlier_for_row(web.store, row, lang, web.tz, now) if row.kind == CALL else [],
        also=[link for link in row.links if link["id"] != row.id],
        applications=apps, status_label=status_label, committees=known,
        extra_label=lambda key: extra_label(key, lang), refused=reason_text(row, lang),
        api=("/api" + item_path(row.id), []))


def legislation(web: WebContext, request: Request) -> HTMLResponse:
    listing = web.listing(request, LEGISLATION, PAGE_SIZE)
    return web.render(request, "legislation.html", lang=listing.lang, filters=listing.filters,
                      rows=_why_lines(web, listing.rows, listing.lang, listing.filters.committee),
                      more=listing.more, limit=listing.limit,
                      api=("/api/legislation", listing.filters.as_params()),
                      **_form_context(web))


def applications(web: WebContext, request: Request) -> HTMLResponse:
    lang = web.lang(request)
    check_params(request.query_params, ("committee", "lang"), lang)
    committee = request.query_params.get("committee")
    committee = resolve_committee(web.config, committee, lang) if committee else None
    calendar, now = meetings(web.config, web.store), web.clock()
    columns: dict[str, list[dict[str, Any]]] = {column: [] for column in BOARD}
    for app in list_applications(web.store, committee=committee):
        progress = progress_of(app, calendar, now)
        column = app.status if app.status in BOARD else "decision"
        columns[column].append({
            "app": app, "status": status_label(app.status, lang),
            "next_step": format_next_step(progress, lang, tz=web.tz) if progress else "",
            "decided": app.status in (GRANTED, REJECTED, WITHDRAWN)})
    titles = {column: (status_label(column, lang) if column != "decision"
                       else t("web.board_decision", lang)) for column in BOARD}
    return web.render(request, "applications.html", lang=lang, columns=columns, titles=titles,
                      committee=committee, committees=committees(web.config))


def committee_page(web: WebContext, request: Request) -> HTMLResponse:
    lang = web.lang(request)
    check_params(request.query_params, ("lang",), lang)
    wanted = request.path_params["committee"]
    known = committees(web.config)
    try:
        ident = resolve_committee(web.config, wanted, lang)
    except HTTPException as exc:
        raise HTTPException(404, exc.detail) from None
    now = web.clock()
    calls = list_items(web.config, web.store, ItemQuery(
        kind=CALL, order="deadline", limit=PAGE_SIZE, include_closed=False, eligible_only=True,
        committee=ident), now=now, lang=lang)
    laws = list_items(web.config, web.store, ItemQuery(
        kind=LEGISLATION, order="published", limit=30, committee=ident), now=now)
    return web.render(request, "committee.html", lang=lang, committee=known[ident],
                      calls=_why_lines(web, calls, lang, ident),
                      laws=_why_lines(web, laws, lang, ident), more=len(calls) == PAGE_SIZE)


def sources(web: WebContext, request: Request) -> HTMLResponse:
    lang = web.lang(request)
    check_params(request.query_params, ("lang",), lang)
    return web.render(request, "sources.html", lang=lang,
                      rows=source_status(web.config, web.store, lang))


def routes(web: WebContext) -> list[Route]:
    bind = partial(bound, web)
    return [Route("/", bind(index), methods=["GET"]),
            Route("/calls/{item_id:path}", bind(call), methods=["GET"]),
            Route("/legislation", bind(legislation), methods=["GET"]),
            Route("/applications", bind(applications), methods=["GET"]),
            Route("/committees/{committee}", bind(committee_page), methods=["GET"]),
            Route("/sources", bind(sources), methods=["GET"])]
