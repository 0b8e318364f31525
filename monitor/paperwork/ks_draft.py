"""The KS approval draft: a Swedish (or English) tjänsteskrivelse for the board's case that
approves a committee's application, as the international policy requires (*"Innan
projektansökan lämnas in ska kommunstyrelsen godkänna att nämnden ansöker"*).

:func:`ks_draft` returns document blocks (monitor.paperwork.document) that are written as Markdown or
Word. Everything comes from the registers and the configuration; a fact that is not recorded
is a visible placeholder in brackets ("[medfinansiering]"), never a guess.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Mapping
from zoneinfo import ZoneInfo

from monitor.config.committees import Committee, Priority
from monitor.config.organisation import Organisation
from monitor.decisions.applications import Application
from monitor.decisions.decide_by import (COMMITTEE_HANDIN, COMMITTEE_MEETING, KS_HANDIN, KS_MEETING,
                                         Timeline, decide_by, decision_timeline)
from monitor.decisions.meetings import Meetings
from monitor.paperwork.document import Block, Bullets, Heading, Para
from monitor.paperwork.report import money
from monitor.store.rows import StoredItem
from monitor.text.countries import country_name, partner_text  # noqa: F401 - used and re-exported
from monitor.text.i18n import add_messages, t
from monitor.text.longdates import long_date, long_day, period_text

__all__ = ["ks_draft", "partner_text", "timeline_lines"]

SUMMARY_CHARS = 600


def _summary(text: str | None) -> str:
    """The call's own summary, cut at a sentence end near :data:`SUMMARY_CHARS`."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text[:SUMMARY_CHARS]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[:end + 1] if end > SUMMARY_CHARS // 3 else cut.rsplit(" ", 1)[0] + " …"


def timeline_lines(timeline: Timeline | None, committee: Committee, meetings: Meetings,
                   deadline: datetime | None, lang: str) -> list[str]:
    """The decision steps in order (committee, KS, the application's deadline) in the draft's
    formal wording, from the one decision path every front end shows
    (:func:`monitor.decisions.decide_by.decision_timeline`)."""
    tz = meetings.tz
    day = lambda d: long_day(d, lang)  # noqa: E731
    board_name = t("ks.board", lang)
    steps = {step.kind: step.day for step in timeline.steps} if timeline else {}
    lines = []
    if timeline is None or KS_MEETING not in steps:
        lines.append(t("ks.no_meeting", lang, board=board_name))
    elif timeline.too_late:
        lines.append(t("ks.too_late", lang, meeting=day(steps[KS_MEETING]),
                       submission=day(steps[KS_HANDIN])))
    else:
        if timeline.committee_missed:
            lines.append(t("ks.committee_missed", lang, committee=committee.display_name(lang)))
        elif COMMITTEE_MEETING in steps:
            lines.append(t("ks.committee_step", lang, committee=committee.display_name(lang),
                           meeting=day(steps[COMMITTEE_MEETING]),
                           submission=day(steps[COMMITTEE_HANDIN])))
        lines.append(t("ks.board_step", lang, board=board_name, meeting=day(steps[KS_MEETING]),
                       submission=day(steps[KS_HANDIN])))
    target = timeline.deadline if timeline else deadline
    lines.append(t("ks.deadline_step", lang, deadline=long_date(target, tz, lang))
                 if target else t("ks.deadline_step", lang, deadline=f"[{t('ks.ph_deadline', lang)}]"))
    return lines


def ks_draft(app: Application, item: StoredItem | None, *, committee: Committee,
             priorities: Mapping[str, Priority], meetings: Meetings, org: Organisation,
             now: datetime, lang: str = "sv", by: str = "",
             earlier: list[str] = ()) -> list[Block]:
    """The draft for ``app`` (its call ``item``, as ``Store.get_item`` gives it); ``earlier``:
    what the funder decided on earlier applications to the programme (monitor.decisions.earlier)."""
    tz: ZoneInfo = meetings.tz
    item = item or StoredItem(id=app.item_id)
    _ = lambda key, **v: t(key, lang, **v)  # noqa: E731
    ph = lambda key: f"[{t(key, lang)}]"  # noqa: E731  a visible placeholder
    name = committee.display_name(lang)
    project = app.details.get("project") or app.title
    programme = app.programme or ph("ks.ph_programme")
    deadlines = [d for d in app.deadlines if d >= now] or app.deadlines[-1:]
    plan = decide_by(app.deadlines, app.committee, meetings, now) if app.deadlines else None
    deadline = plan.deadline if plan else (deadlines[0] if deadlines else None)
    deadline_text = long_date(deadline, tz, lang) if deadline else ph("ks.ph_deadline")
    partners = partner_text(app.pairs, app.countries, lang) or ph("ks.ph_partners")
    cofinancing = app.details.get("cofinancing")
    cofinancing_text = money(int(cofinancing), lang) if cofinancing else ph("ks.ph_cofinancing")
    amount = money(app.amount_applied, lang) if app.amount_applied is not None \
        else ph("ks.ph_amount")
    period = period_text(app.details.get("period_from"), app.details.get("period_to"), lang) \
        or ph("ks.ph_period")
    blocks: list[Block] = [
        Heading(_("ks.title", committee=name, project=project), 1),
        Para(_("ks.meta", org=org.name or ph("ks.ph_org"), date=long_day(now, lang, tz),
               by=by or org.coordinator, case=ph("ks.ph_case"))),
        Heading(_("ks.proposal"), 2),
        Para(_("ks.proposal_text", committee=name, project=project, programme=programme,
               deadline=deadline_text)),
        Heading(_("ks.description"), 2),
        Para(_("ks.background", committee=name, programme=programme)),
        Heading(_("ks.the_call"), 3),
        Bullets([f"{_('ks.call')}: {app.title}", f"{_('ks.programme')}: {programme}",
                 f"{_('ks.funder')}: {ph('ks.ph_funder')}",
                 f"{_('ks.funds')}: {_summary(item.summary) or ph('ks.ph_funds')}",
                 f"{_('ks.deadline')}: {deadline_text}"]),
        Para(_("ks.timeline"), label=""),
        Bullets(timeline_lines(decision_timeline(plan, meetings, now), committee, meetings,
                               deadline, lang)),
        *([Para(_("ks.earlier")), Bullets(list(earlier))] if earlier else []),
        Heading(_("ks.the_project"), 3),
        Bullets([f"{_('ks.project')}: {project}", f"{_('ks.amount')}: {amount}",
                 f"{_('ks.cofinancing')}: {cofinancing_text}",
                 f"{_('ks.partners')}: {partners}", f"{_('ks.period')}: {period}"]
                + ([f"{_('ks.note')}: {app.history[0].note}"] if app.history
                   and app.history[0].note else [])),
        Heading(_("ks.policy"), 2),
    ]
    areas = [priorities[p] for p in item.priorities if p in priorities]
    if areas:
        blocks.append(Para(_("ks.policy_tagged", committee=name)))
        blocks.append(Bullets([f"{p.display_name(lang)}: {p.description}" for p in areas]))
    else:
        blocks.append(Para(f"{_('ks.policy_none')} {ph('ks.ph_priority')}"))
    blocks.append(Para(f"{_('ks.policy_why', committee=name)} {ph('ks.ph_why')}"))
    blocks += [
        Heading(_("ks.economy"), 2),
        Para(_("ks.economy_text", amount=amount, programme=programme,
               cofinancing=cofinancing_text, own=ph("ks.ph_own"))),
        Heading(_("ks.basis"), 2),
        Bullets([_("ks.basis_memo", date=long_day(now, lang, tz))]
                + [f"{_('ks.basis_call')}: {link}" for link in _links(app, item)]
                + [ph("ks.ph_attachment")]),
    ]
    return blocks


def _links(app: Application, item: StoredItem) -> list[str]:
    links = [app.url] if app.url else []
    links += [link["url"] for link in item.links if link.get("url")]
    return list(dict.fromkeys(links))


add_messages({
    "ks.title": {"sv": "Godkännande av att {committee} ansöker om medverkan i {project}",
                 "en": "Approval of {committee} applying to take part in {project}"},
    "ks.meta": {"sv": "{org} · Tjänsteskrivelse · {date} · Handläggare: {by} · Diarienummer: "
                      "{case}",
                "en": "{org} · Officer's report · {date} · Officer: {by} · Case number: {case}"},
    "ks.proposal": {"sv": "Förslag till beslut", "en": "Proposed decision"},
    "ks.proposal_text": {
        "sv": "Kommunstyrelsen godkänner att {committee} ansöker om medverkan i {project} "
              "inom {programme}, med sista ansökningsdag {deadline}.",
        "en": "The Municipal Executive Board approves that {committee} applies to take part "
              "in {project} within {programme}, with the application deadline {deadline}."},
    "ks.description": {"sv": "Beskrivning av ärendet", "en": "Description of the matter"},
    "ks.background": {
        "sv": "Enligt kommunens internationella policy ska kommunstyrelsen godkänna att en "
              "nämnd ansöker innan projektansökan lämnas in. {committee} avser att söka medel "
              "ur {programme}.",
        "en": "The municipality's international policy says the board must approve a "
              "committee's application before it is submitted. {committee} intends to apply "
              "for funding from {programme}."},
    "ks.the_call": {"sv": "Utlysningen", "en": "The call"},
    "ks.call": {"sv": "Utlysning", "en": "Call"},
    "ks.programme": {"sv": "Program", "en": "Programme"},
    "ks.funder": {"sv": "Finansiär", "en": "Funder"},
    "ks.funds": {"sv": "Vad som finansieras", "en": "What it funds"},
    "ks.deadline": {"sv": "Sista ansökningsdag", "en": "Application deadline"},
    "ks.timeline": {"sv": "Beslutsgång:", "en": "Decision steps:"},
    "ks.committee_step": {"sv": "{committee} sammanträder {meeting} (ärendet in senast "
                                "{submission})",
                          "en": "{committee} meets on {meeting} (matter in by {submission})"},
    "ks.committee_missed": {
        "sv": "{committee} har inget ordinarie sammanträde i tid: extra sammanträde eller "
              "ordförandebeslut behövs",
        "en": "{committee} has no ordinary meeting in time: an extra meeting or a chair's "
              "decision is needed"},
    "ks.board_step": {"sv": "{board} sammanträder {meeting} (ärendet till KS senast "
                            "{submission})",
                      "en": "{board} meets on {meeting} (matter to KS by {submission})"},
    "ks.board": {"sv": "Kommunstyrelsen", "en": "The Municipal Executive Board"},
    "ks.no_meeting": {"sv": "{board}s sammanträde: [KS-sammanträde] (inget i "
                            "sammanträdesplanen passar)",
                      "en": "{board}'s meeting: [KS meeting] (none in the meeting plan fits)"},
    "ks.too_late": {
        "sv": "För sent för ordinarie KS-beslut: sista sammanträde som hade räckt var "
              "{meeting} (ärendet till KS senast {submission}); extra sammanträde, "
              "ordförandebeslut eller nästa omgång",
        "en": "Too late for an ordinary KS decision: the last meeting that would have done "
              "was {meeting} (matter to KS by {submission}); an extra meeting, a chair's "
              "decision or the next round"},
    "ks.deadline_step": {"sv": "Ansökan ska vara inskickad senast {deadline}",
                         "en": "The application must be in by {deadline}"},
    "ks.earlier": {"sv": "Tidigare ansökningar till programmet:",
                   "en": "Earlier applications to the programme:"},
    "ks.the_project": {"sv": "Projektet", "en": "The project"},
    "ks.project": {"sv": "Projekt", "en": "Project"},
    "ks.amount": {"sv": "Sökt belopp", "en": "Amount applied for"},
    "ks.cofinancing": {"sv": "Medfinansiering", "en": "Co-financing"},
    "ks.partners": {"sv": "Partner", "en": "Partners"},
    "ks.period": {"sv": "Projektperiod", "en": "Project period"},
    "ks.note": {"sv": "Anteckning", "en": "Note"},
    "ks.policy": {"sv": "Koppling till den internationella policyn",
                  "en": "Link to the international policy"},
    "ks.policy_tagged": {
        "sv": "Omvärldsbevakningen har kopplat utlysningen till policyns prioriterade "
              "områden:",
        "en": "The monitor has linked the call to the policy's priority areas:"},
    "ks.policy_none": {"sv": "Prioriterat område:", "en": "Priority area:"},
    "ks.policy_why": {"sv": "{committee}s motivering:", "en": "{committee}'s reasons:"},
    "ks.economy": {"sv": "Ekonomi", "en": "Finances"},
    "ks.economy_text": {
        "sv": "Ansökan avser {amount} ur {programme}. Medfinansiering: {cofinancing}. "
              "Finansiering av kommunens egen insats: {own}.",
        "en": "The application is for {amount} from {programme}. Co-financing: "
              "{cofinancing}. Funding of the municipality's own part: {own}."},
    "ks.basis": {"sv": "Beslutsunderlag", "en": "Documents"},
    "ks.basis_memo": {"sv": "Tjänsteskrivelse {date}", "en": "Officer's report {date}"},
    "ks.basis_call": {"sv": "Utlysningen", "en": "The call"},
    "ks.ph_org": {"sv": "kommun", "en": "municipality"},
    "ks.ph_case": {"sv": "diarienummer", "en": "case number"},
    "ks.ph_programme": {"sv": "program", "en": "programme"},
    "ks.ph_deadline": {"sv": "sista ansökningsdag", "en": "deadline"},
    "ks.ph_partners": {"sv": "partner och land", "en": "partners and country"},
    "ks.ph_cofinancing": {"sv": "medfinansiering", "en": "co-financing"},
    "ks.ph_amount": {"sv": "sökt belopp", "en": "amount"},
    "ks.ph_period": {"sv": "projektperiod", "en": "project period"},
    "ks.ph_funder": {"sv": "finansiär", "en": "funder"},
    "ks.ph_funds": {"sv": "vad utlysningen finansierar", "en": "what the call funds"},
    "ks.ph_priority": {"sv": "prioriterat område", "en": "priority area"},
    "ks.ph_why": {"sv": "motivering", "en": "reasons"},
    "ks.ph_own": {"sv": "egen insats", "en": "own part"},
    "ks.ph_attachment": {"sv": "ansökningsutkast som bilaga", "en": "draft application attached"},
})
