"""``monitor subscribe``, ``monitor unsubscribe`` and ``monitor subscriptions``."""

from __future__ import annotations

from typing import List, Optional

import typer

from monitor.cli._mail_common import say
from monitor.cli.common import FormatOption, cli_errors, emit, state
from monitor.cli.usage import (FREQUENCIES, UsageError, choose, resolve_committee, resolve_priority,
                               resolve_sources)
from monitor.digests.subscriptions import InvalidSubscription, Subscription, effective_subscriptions
from monitor.digests.subscriptions import subscribe as add_subscription
from monitor.digests.subscriptions import unsubscribe as remove_subscription
from monitor.digests.subscriptions import validate
from monitor.text.i18n import add_messages, t

add_messages({
    "sub_saved": {"sv": "Prenumeration sparad: {committee} → {email} ({frequency}, {lang})",
                  "en": "Subscription saved: {committee} → {email} ({frequency}, {lang})"},
    "sub_removed": {"sv": "Prenumeration borttagen: {committee} → {email}",
                    "en": "Subscription removed: {committee} → {email}"},
    "sub_missing": {"sv": "{email} prenumererar inte på {committee}.",
                    "en": "{email} is not subscribed to {committee}."},
    "sub_frequency_weekly": {"sv": "veckovis", "en": "weekly"},
    "sub_frequency_daily": {"sv": "dagligen", "en": "daily"},
    "sub_none": {"sv": "Inga prenumerationer.", "en": "No subscriptions."},
    "sub_col_frequency": {"sv": "Frekvens", "en": "Frequency"},
    "sub_col_lang": {"sv": "Språk", "en": "Language"},
    "sub_col_narrowing": {"sv": "Områden, ämnen, källor", "en": "Priorities, topics, sources"},
    "sub_col_origin": {"sv": "Ursprung", "en": "Origin"},
    "sub_origin_default": {"sv": "standard (committees.toml)", "en": "default (committees.toml)"},
    "sub_origin_subscribed": {"sv": "prenumeration", "en": "subscribed"},
})

OPTION_NAMES = {"committee": "COMMITTEE", "email": "--email", "priority": "--priority",
                "source": "--source", "frequency": "--frequency", "lang": "--lang",
                "topic": "--topic"}


def _usage(exc: InvalidSubscription) -> UsageError:
    """What the subscription check refused, as the option that was given."""
    option = OPTION_NAMES[exc.field]
    if exc.field == "email":
        return UsageError(option, exc.value, reason="usage.not_email")
    return UsageError(option, exc.value, valid=exc.valid)


@cli_errors
def subscribe(
    ctx: typer.Context,
    committee: str = typer.Argument(..., metavar="COMMITTEE",
                                    help="Nämndens id, eller all för samordnarens översikt"),
    email: str = typer.Option(..., "--email", help="Mottagarens adress"),
    priority: List[str] = typer.Option([], "--priority", help="Bara dessa prioriterade områden"),
    topic: List[str] = typer.Option([], "--topic", help="Även poster som matchar texten"),
    source: List[str] = typer.Option([], "--source", help="Bara från dessa källor"),
    frequency: str = typer.Option("weekly", "--frequency", help="weekly eller daily (veckovis, dagligen)"),
    lang: Optional[str] = typer.Option(None, "--lang", help="Sammanfattningens språk: sv, en"),
) -> None:
    """Prenumerera en adress på en nämnds sammanfattning (ersätter en tidigare för samma par).

    Example: monitor subscribe bun --email anna.svensson@tyreso.se --topic digitalisering
    """
    st = state(ctx)
    config = st.config
    committee = resolve_committee(config, committee, option="COMMITTEE", allow_all=True)
    sub = Subscription(committee=committee, email=email.strip(),
                       priorities=tuple(resolve_priority(config, p) for p in priority),
                       topics=tuple(topic), sources=tuple(resolve_sources(config, source)),
                       frequency=choose("--frequency", frequency, FREQUENCIES),
                       lang=lang or config.settings.language)
    try:
        add_subscription(config, st.store, sub, now=st.now)
    except InvalidSubscription as exc:
        raise _usage(exc) from None
    say(t("sub_saved", st.lang, committee=committee, email=sub.email.lower(),
          frequency=t(f"sub_frequency_{sub.frequency}", st.lang), lang=sub.lang))


@cli_errors
def unsubscribe(
    ctx: typer.Context,
    committee: str = typer.Argument(..., metavar="COMMITTEE", help="Nämndens id, eller all"),
    email: str = typer.Option(..., "--email", help="Mottagarens adress"),
) -> None:
    """Sluta skicka en nämnds sammanfattning till en adress (även standardmottagaren).

    Example: monitor unsubscribe bun --email anna.svensson@tyreso.se
    """
    st = state(ctx)
    committee = resolve_committee(st.config, committee, option="COMMITTEE", allow_all=True)
    try:
        validate(st.config, Subscription(committee=committee, email=email.strip()))
    except InvalidSubscription as exc:
        raise _usage(exc) from None
    if not remove_subscription(st.config, st.store, committee, email.strip(),
                               now=st.now):
        say(t("sub_missing", st.lang, committee=committee, email=email), error=True)
        raise typer.Exit(1)
    say(t("sub_removed", st.lang, committee=committee, email=email.lower()))


@cli_errors
def subscriptions(ctx: typer.Context, fmt: str = FormatOption) -> None:
    """Alla aktiva prenumerationer: standardmottagare från committees.toml och tillagda.

    Example: monitor subscriptions --format json
    """
    st = state(ctx)
    lang = st.lang
    rows = [s.public() for s in effective_subscriptions(st.config, st.store_or_empty)]
    columns = [("committee", t("sub_col_committee", lang)), ("email", t("sub_col_email", lang)),
               ("frequency", t("sub_col_frequency", lang)), ("lang", t("sub_col_lang", lang)),
               ("priorities", "priorities"), ("topics", "topics"), ("sources", "sources"),
               ("origin", t("sub_col_origin", lang))]
    if fmt.lower() == "table":
        columns = [c for c in columns if c[0] not in ("priorities", "topics", "sources")]
        columns.insert(4, ("narrowing", t("sub_col_narrowing", lang)))

    def cells(row: dict) -> list[str]:
        narrowing = "; ".join(", ".join(row[k]) for k in ("priorities", "topics", "sources")
                              if row[k])
        return [row["committee"], row["email"], t(f"sub_frequency_{row['frequency']}", lang),
                row["lang"], narrowing,
                t(f"sub_origin_{row['origin']}", lang)]
    emit(rows, fmt, columns=columns, table_rows=cells, empty=t("sub_none", lang),
         no_wrap=("committee", "frequency", "lang"))
