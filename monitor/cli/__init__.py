"""The ``monitor`` command line: a table of its commands, each module imported when it runs.

:data:`COMMANDS` names every command, the module and function (or command group) that
implements it, and the line ``monitor --help`` shows for it. ``monitor calls`` therefore
imports ``monitor.cli.items`` and what that needs, not the pollers, the scheduler, the mail
templates or the tagger; ``monitor --help`` lists every command from the table without
importing any of them. A test checks that the table matches the commands' own help.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Optional

import typer
import typer.main
from typer.models import CommandInfo, TyperInfo

from monitor.cli.common import MonitorGroup, global_options

__all__ = ["app", "main", "COMMANDS", "Command", "implementation", "every_command"]


@dataclass(frozen=True)
class Command:
    """Where one command lives: ``module`` in this package, ``function`` in it (a command's
    function or a ``typer.Typer`` of subcommands), ``help`` as ``monitor --help`` lists it
    (the first paragraph of the command's own help)."""

    module: str
    function: str
    help: str


COMMANDS: dict[str, Command] = {
    "apply": Command("applications_cmd", "apply",
                     "Registrera att en nämnd avser att söka en utlysning (status: avsikt)."),
    "application": Command(
        "applications_cmd", "application",
        "Visa en ansökan, eller för den vidare: ks-approved, submitted, granted, rejected, "
        "withdrawn. --reason med granted/rejected sparar finansiärens motivering (eller "
        "villkor). --ks-underlag skriver ett utkast till tjänsteskrivelse (md eller docx) för "
        "KS-ärendet."),
    "applications": Command("applications_cmd", "applications",
                            "Ansökningar med status, belopp och nästa steg."),
    "report": Command(
        "applications_report", "report",
        "Rapport internationellt samarbete för ett år: partnerskap, vänorter, samarbete inom "
        "förvaltningarna, ansökningar, utlysningar som visades men inte söktes, och "
        "bedömningen."),
    "activity": Command(
        "activities_cmd", "activity",
        "Registrera en internationell aktivitet (add), visa en, eller anteckna att ett "
        "vänortsbesök redovisats för KS."),
    "activities": Command(
        "activities_cmd", "activities",
        "Internationella aktiviteter: typ, period, partner med land, finansiering, och om ett "
        "vänortsbesök är redovisat för KS."),
    "correct": Command(
        "corrections_cmd", "correct",
        "Rätta en posts taggar: rättelsen går före reglerna och finns kvar efter retag och "
        'nya hämtningar. Vem, när och varför sparas och visas som "Rättad av …: …".'),
    "suggest-rules": Command(
        "corrections_cmd", "suggest_rules",
        "Föreslå ändringar i matching.toml utifrån sparade rättelser, som en diff att granska. "
        "Inget ändras: lägg in ändringen själv, kör monitor eval och monitor retag."),
    "digest": Command("digest_cmd", "digest", "Veckans (eller dagens) sammanfattningar: visa, "
                                              "förhandsgranska eller skicka."),
    "calendar": Command("digest_cmd", "calendar", "Sista dagar (och kommande öppningsdatum) "
                                                  "för öppna utlysningar som iCalendar-fil."),
    "calls": Command("items", "calls", "Utlysningar som inte är stängda, närmast sista dag "
                                       "först."),
    "legislation": Command("items", "legislation",
                           "Lagstiftning, förslag och remisser, nyast först."),
    "show": Command("items", "show", "En post med alla fält, ändringshistorik, taggar med "
                                     "motivering och hämtningar."),
    "meetings": Command("meetings_cmd", "meetings_command", "Sammanträdesdatum som gäller för "
                        "varje organ och varifrån vart och ett kommer."),
    "poll": Command("polling", "poll", "Hämta alla aktiverade källor (eller de namngivna) och "
                                       "spara nya och ändrade poster."),
    "run": Command("polling", "run", "Huvudjobbet: hämta alla källor, tagga, och kör stegen "
                                     "efter hämtningen (utskick)."),
    "serve": Command("serve_cmd", "serve", "Kör schemat i förgrunden: hämtning, "
                                           "sammanfattningar och påminnelser ([schedule])."),
    "subscribe": Command("subscriptions_cmd", "subscribe",
                         "Prenumerera en adress på en nämnds sammanfattning (ersätter en "
                         "tidigare för samma par)."),
    "unsubscribe": Command("subscriptions_cmd", "unsubscribe",
                           "Sluta skicka en nämnds sammanfattning till en adress (även "
                           "standardmottagaren)."),
    "subscriptions": Command("subscriptions_cmd", "subscriptions",
                             "Alla aktiva prenumerationer: standardmottagare från "
                             "committees.toml och tillagda."),
    "tag": Command("tagging", "tag", "Tagga poster ur en JSON Lines-fil och skriv en JSON-rad "
                                     "per post med nämnder, prioriterade områden och varför."),
    "eval": Command("tagging", "eval_", "Jämför taggningen med märkta poster: precision, "
                    "täckning och F1 per etikett, makro-F1 för nämnder och prioriterade "
                    "områden, och missarna med motivering."),
    "retag": Command("tagging", "retag",
                     "Tagga om alla lagrade poster efter en ändring i config/matching.toml."),
    "matchers": Command("tagging", "matchers_app", "Matchningsregler: typerna i matching.toml."),
    "web": Command("web_cmd", "web", "Intranätsidan: öppna utlysningar, beslutsgång, kalender- "
                                     "och Atom-flöden, JSON-API."),
    "mail": Command("mail_cmd", "mail_app", "E-post: prova inställningarna, visa kanalerna."),
    "sources": Command("sources_cmd", "sources_app", "Källor: konfiguration, status och typer."),
}


def implementation(name: str) -> Any:
    """The function (or ``typer.Typer``) of command ``name``, its module imported now."""
    entry = COMMANDS[name]
    return getattr(importlib.import_module(f"{__name__}.{entry.module}"), entry.function)


class LazyGroup(MonitorGroup):
    """The ``monitor`` group: a command is built from its module when it is first asked for;
    the help listing is made from :data:`COMMANDS` and imports nothing."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            if self._listing:  # the help text only: the table's line
                return typer.core.TyperCommand(name=cmd_name, help=COMMANDS[cmd_name].help)
            self.add_command(_click_command(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="monitor", cls=LazyGroup,
    help="Omvärldsbevakning: EU- och svenska utlysningar, lagstiftning och remisser, "
         "taggade till nämnder. / Funding and horizon-scanning monitor.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
)
app.callback()(global_options)


def _click_command(name: str) -> Any:
    """Command ``name`` as Click's object, built the way Typer builds a registered one."""
    target = implementation(name)
    markup, short = app.rich_markup_mode, app.pretty_exceptions_short
    if isinstance(target, typer.Typer):
        return typer.main.get_group_from_info(
            TyperInfo(target, name=name), pretty_exceptions_short=short,
            suggest_commands=True, rich_markup_mode=markup)
    return typer.main.get_command_from_info(
        CommandInfo(name=name, callback=target), pretty_exceptions_short=short,
        rich_markup_mode=markup)


def every_command() -> LazyGroup:
    """The ``monitor`` group with every command built (documentation checks, the table's test)."""
    group: LazyGroup = typer.main.get_command(app)  # type: ignore[assignment]
    for name in COMMANDS:
        group.get_command(None, name)
    return group


def main(args: Optional[list[str]] = None) -> None:
    """Console-script entry point."""
    app(args)
