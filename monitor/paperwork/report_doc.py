"""The yearly report as a document (monitor.paperwork.document) in the municipality's shape:

1. Partnerskap: each partnership with its period and funding, and the applications with its
   partner (outcome and the funder's reason);
2. Vänorter: visits and other activities with the twinning towns, whether each visit has been
   reported to KS, and applications with a twinning town;
3. Internationellt samarbete inom förvaltningarna: per committee its running projects (period
   and funding), other activities, and applications with outcome and feedback;
4. Ansökningar: the summary table (a call shared by two committees counted once) and every
   application;
5. Utlysningar som visades men inte söktes;
6. Bedömning: the coordinator's own text (``--assessment FILE``), else a placeholder.

Country names in the report's language; partners with their countries.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from monitor.config.organisation import same_name
from monitor.decisions.activities import Activity, kind_label
from monitor.decisions.applications import Application, status_label
from monitor.paperwork.document import Block, Bullets, Heading, Link, Para, Table
from monitor.text.countries import partner_text
from monitor.text.i18n import add_messages, format_date, t
from monitor.text.longdates import long_day, period_text

__all__ = ["report_blocks"]


def _activity_line(a: Activity, lang: str, committee_name: str, tz: ZoneInfo, *,
                   title: bool = True) -> str:
    parts = [kind_label(a.kind, lang), committee_name]
    period = period_text(a.period_from, a.period_to, lang)
    if period:
        parts.append(period)
    if a.funding:
        parts.append(t("rdoc.funding", lang, funding=a.funding))
    joined = ", ".join(parts)
    text = f"{a.title} ({joined})" if title else joined[:1].upper() + joined[1:]
    partners = partner_text(list(a.pairs), [], lang)
    if partners:
        text += f"; {t('report.partners', lang).lower()}: {partners}"
    if a.note:
        text += f". {a.note.rstrip('.')}"
    if a.is_visit:
        text += ". " + (t("rdoc.reported", lang, date=long_day(a.reported_to_ks, lang))
                        if a.reported_to_ks else t("rdoc.not_reported", lang))
    return text.rstrip(".") + "."


def _application_line(app: Application, lang: str, tz: ZoneInfo, *,
                      committee_name: str = "") -> str:
    head = app.title + (f" ({app.programme})" if app.programme else "")
    if committee_name:
        head += f", {committee_name}"
    when = app.step_date(app.status)
    text = f"{head}: {status_label(app.status, lang)}" + (
        f" {long_day(when, lang, tz)}" if when else "")
    if app.amount_applied is not None:
        text += f"; {t('report.col_applied', lang).lower()} {money(app.amount_applied, lang)}"
    if app.amount_granted is not None:
        text += f"; {t('report.col_granted', lang).lower()} {money(app.amount_granted, lang)}"
    partners = partner_text(app.pairs, app.countries, lang)
    if partners:
        text += f"; {t('report.partners', lang).lower()}: {partners}"
    decision = app.decision if app.status in ("granted", "rejected") else None
    if decision is not None and (decision.reason or decision.note):
        key = "rdoc.reason_rejected" if decision.status == "rejected" else "rdoc.reason_granted"
        text += f". {t(key, lang)}: {(decision.reason or decision.note).rstrip('.')}"
    return text.rstrip(".") + "."


def money(value: int | None, lang: str = "sv") -> str:
    """450000 → "450 000 kr" (sv) / "SEK 450,000" (en); None → "–"."""
    if value is None:
        return "–"
    if lang == "en":
        return f"SEK {value:,}"
    return f"{value:,}".replace(",", "\u00a0") + "\u00a0kr"


def report_blocks(report: Any, lang: str, tz: ZoneInfo, *,
                  for_sheets: bool = False) -> list[Block]:
    _ = lambda key, **v: t(key, lang, **v)  # noqa: E731
    names = {s.committee.id: s.committee.display_name(lang) for s in report.committees}
    org = report.organisation
    blocks: list[Block] = [Heading(_("report.title", year=report.year), 1),
                           Para(_("report.generated", date=long_day(report.generated, lang, tz)))]
    if not report.committees and not report.assessment:
        return blocks + [Para(_("report.nothing", year=report.year))]
    activities = report.activities
    partnerships = [a for a in activities if a.kind == "partnership"]
    twinning = [a for a in activities if report.is_twinning(a)]
    apps = report.applications

    blocks.append(Heading(_("rdoc.partnerships"), 2))
    if not partnerships:
        blocks.append(Para(_("rdoc.no_partnerships")))
    used: set[int] = set()
    for p in partnerships:
        blocks.append(Heading(p.title, 3))
        blocks.append(Para(_activity_line(p, lang, names.get(p.committee, p.committee), tz,
                                          title=False)))
        linked = [a for a in apps if any(same_name(x, y) for x in a.partners
                                         for y, _c in p.pairs)]
        used.update(a.id for a in linked)
        if linked:
            blocks.append(Para(_("rdoc.partnership_applications", count=len(linked))))
            blocks.append(Bullets([_application_line(a, lang, tz) for a in linked]))

    blocks.append(Heading(_("rdoc.twinning"), 2))
    if org.twinning_towns:
        blocks.append(Para(_("rdoc.twinning_towns", towns=", ".join(org.twinning_towns))))
    blocks.append(Bullets([_activity_line(a, lang, names.get(a.committee, a.committee), tz)
                           for a in twinning]) if twinning else Para(_("rdoc.no_twinning")))
    with_towns = [a for a in apps if a.id not in used
                  and any(org.is_twinning_town(x) for x in a.partners)]
    used.update(a.id for a in with_towns)
    if with_towns:
        blocks.append(Para(_("rdoc.twinning_applications")))
        blocks.append(Bullets([_application_line(a, lang, tz, committee_name=names[a.committee])
                               for a in with_towns]))

    blocks.append(Heading(_("rdoc.departments"), 2))
    shown_elsewhere = {a.id for a in partnerships + twinning}
    any_section = False
    for section in report.committees:
        own = [a for a in section.activities if a.id not in shown_elsewhere]
        projects = [a for a in own if a.kind == "project"]
        others = [a for a in own if a.kind != "project"]
        section_apps = [a for a in section.applications if a.id not in used]
        name = section.committee.display_name(lang)
        if not (projects or others or section_apps):
            if len(report.committees) == 1:  # the one committee asked for: say it is empty
                blocks += [Heading(name, 3), Para(_("report.no_applications"))]
                any_section = True
            continue
        any_section = True
        blocks.append(Heading(name, 3))
        for key, items in (("rdoc.projects", [_activity_line(a, lang, name, tz)
                                              for a in projects]),
                           ("rdoc.activities", [_activity_line(a, lang, name, tz)
                                                for a in others]),
                           ("report.col_applications", [_application_line(a, lang, tz)
                                                        for a in section_apps])):
            if items:
                blocks += [Heading(_(key), 4), Bullets(items)]
    if not any_section:
        blocks.append(Para(_("report.none")))

    blocks.append(Heading(_("report.col_applications"), 2))
    amount = _kronor if for_sheets else (lambda v: money(v, lang))  # Excel gets numbers
    blocks.append(_summary_table(report, lang, amount))
    if apps:
        blocks.append(_applications_table(apps, names, lang, tz, amount))
    if for_sheets and activities:
        blocks.append(_activities_table(activities, names, lang))

    not_pursued = report.not_pursued
    blocks.append(Heading(_("report.not_pursued", count=len(not_pursued)), 2))
    if not_pursued:
        blocks.append(Table(
            [_("report.col_call"), _("rdoc.col_programme"), _("rdoc.col_shown_to"),
             _("report.first_seen").capitalize(), _("report.deadline").capitalize()],
            [[r["title"], r["programme"] or "", ", ".join(c.id for c in r["shown_to"]),
              format_date(r["first_seen"], tz), format_date(r["deadline"], tz)]
             for r in not_pursued], title=_("rdoc.sheet_not_pursued")))
    else:
        blocks.append(Para(_("report.none")))

    blocks.append(Heading(_("rdoc.assessment"), 2))
    text = (report.assessment or "").strip()
    blocks += [Para(p.strip()) for p in text.split("\n\n") if p.strip()] if text else \
        [Para(f"[{_('rdoc.assessment_placeholder')}]")]
    return blocks


def _kronor(value: int | None) -> int | str:
    return "" if value is None else value


def _summary_table(report: Any, lang: str, amount) -> Table:  # noqa: ANN001
    _ = lambda key, **v: t(key, lang, **v)  # noqa: E731
    rows = [[s.committee.display_name(lang), s.total.count, len(s.granted),
             amount(s.total.applied), amount(s.total.granted)]
            for s in report.committees if s.applications]
    total = report.total
    rows.append([_("report.total"), total.count, report.granted_count,
                 amount(total.applied), amount(total.granted)])
    return Table([_("report.col_committee"), _("report.col_applications"),
                  _("report.col_granted_count"), _("report.col_applied"),
                  _("report.col_granted")], rows, title=_("report.summary"),
                 numeric=(1, 2, 3, 4))


def _applications_table(apps: list[Application], names: dict[str, str], lang: str,
                        tz: ZoneInfo, amount) -> Table:  # noqa: ANN001
    _ = lambda key, **v: t(key, lang, **v)  # noqa: E731
    return Table(
        ["#", _("report.col_call"), _("report.col_committee"), _("report.col_status"),
         _("report.col_applied"), _("report.col_granted"), _("report.partners"),
         _("report.col_steps")],
        [[str(a.id), Link(a.title, a.url), names.get(a.committee, a.committee),
          status_label(a.status, lang),
          amount(a.amount_applied), amount(a.amount_granted),
          partner_text(a.pairs, a.countries, lang),
          ", ".join(f"{status_label(e.status, lang)} {format_date(e.at, tz)}"
                    for e in a.history)] for a in apps],
        title=_("report.applications"), numeric=(0, 4, 5))


def _activities_table(activities: list[Activity], names: dict[str, str], lang: str) -> Table:
    _ = lambda key, **v: t(key, lang, **v)  # noqa: E731
    return Table(
        ["#", _("report.col_committee"), _("rdoc.col_kind"), _("rdoc.col_title"),
         _("rdoc.col_from"), _("rdoc.col_to"), _("report.partners"), _("rdoc.col_funding"),
         _("rdoc.col_reported")],
        [[str(a.id), names.get(a.committee, a.committee), kind_label(a.kind, lang), a.title,
          a.period_from or "", a.period_to or "", partner_text(list(a.pairs), [], lang),
          a.funding, a.reported_to_ks.isoformat() if a.reported_to_ks else ""]
         for a in activities], title=_("rdoc.activities"))


add_messages({
    "rdoc.partnerships": {"sv": "Partnerskap", "en": "Partnerships"},
    "rdoc.no_partnerships": {"sv": "Inga partnerskap registrerade under året.",
                             "en": "No partnerships recorded in the year."},
    "rdoc.partnership_applications": {"sv": "Ansökningar inom partnerskapet ({count}):",
                                      "en": "Applications within the partnership ({count}):"},
    "rdoc.twinning": {"sv": "Vänorter", "en": "Twinning towns"},
    "rdoc.twinning_towns": {"sv": "Kommunens vänorter: {towns}.",
                            "en": "The municipality's twinning towns: {towns}."},
    "rdoc.no_twinning": {"sv": "Inga vänortsaktiviteter registrerade under året.",
                         "en": "No twinning activities recorded in the year."},
    "rdoc.twinning_applications": {"sv": "Ansökningar med vänorter:",
                                   "en": "Applications with twinning towns:"},
    "rdoc.departments": {"sv": "Internationellt samarbete inom förvaltningarna",
                         "en": "International cooperation within the departments"},
    "rdoc.projects": {"sv": "Pågående projekt", "en": "Running projects"},
    "rdoc.activities": {"sv": "Aktiviteter", "en": "Activities"},
    "rdoc.funding": {"sv": "finansiering: {funding}", "en": "funding: {funding}"},
    "rdoc.reported": {"sv": "Redovisat för KS {date}", "en": "Reported to KS on {date}"},
    "rdoc.not_reported": {"sv": "Inte redovisat för KS", "en": "Not reported to KS"},
    "rdoc.reason_rejected": {"sv": "Finansiärens motivering", "en": "The funder's reasons"},
    "rdoc.reason_granted": {"sv": "Villkor och kommentarer", "en": "Conditions and comments"},
    "rdoc.col_programme": {"sv": "Program", "en": "Programme"},
    "rdoc.col_shown_to": {"sv": "Visad för", "en": "Shown to"},
    "rdoc.col_kind": {"sv": "Typ", "en": "Kind"},
    "rdoc.col_title": {"sv": "Aktivitet", "en": "Activity"},
    "rdoc.col_from": {"sv": "Från", "en": "From"},
    "rdoc.col_to": {"sv": "Till", "en": "To"},
    "rdoc.col_funding": {"sv": "Finansiering", "en": "Funding"},
    "rdoc.col_reported": {"sv": "Redovisad för KS", "en": "Reported to KS"},
    "rdoc.sheet_not_pursued": {"sv": "Ej sökta", "en": "Not pursued"},
    "rdoc.assessment": {"sv": "Bedömning", "en": "Assessment"},
    "rdoc.assessment_placeholder": {
        "sv": "Samordnarens bedömning: skriv den i en fil och ange --assessment FIL",
        "en": "The coordinator's assessment: write it in a file and give --assessment FILE"},
})
