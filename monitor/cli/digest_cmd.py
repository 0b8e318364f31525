"""``monitor digest`` and ``monitor calendar``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from monitor.cli._mail_common import say
from monitor.cli.common import cli_errors, emit, state
from monitor.cli.usage import UsageError, resolve_committee
from monitor.decisions.calendar_export import build_calendar
from monitor.digests.build import Period
from monitor.digests.dispatch import preview_digests, send_digests
from monitor.text.i18n import add_messages, t

add_messages({
    "digest_resend_none": {"sv": "Inga sammanfattningar för {period} i utkorgen att skicka om.",
                           "en": "No digests of {period} in the outbox to send again."},
    "digest_resent": {"sv": "skickad igen via SMTP", "en": "sent again over SMTP"},
    "digest_resend_failed": {"sv": "misslyckades", "en": "failed"},
    "digest_resend_error": {"sv": "{n} mejl kunde inte skickas: {error}. Kör kommandot igen "
                                  "för att försöka på nytt.",
                            "en": "{n} mails could not be sent: {error}. Run the command again "
                                  "to retry."},
    "usage.resend_needs_smtp": {"sv": "SMTP behövs för att skicka om: {detail}.",
                                "en": "SMTP is needed to send again: {detail}."},
    "digest_none": {"sv": "Inga prenumerationer att skicka för.",
                    "en": "No subscriptions to send for."},
    "digest_failed": {"sv": "{n} mejl kunde inte skickas och försöks igen vid nästa körning: "
                            "{error}",
                      "en": "{n} mails could not be sent and will be retried next run: {error}"},
    "calendar_written": {"sv": "{n} händelser skrivna till {file}.",
                         "en": "{n} events written to {file}."},
    "digest_col_period": {"sv": "Period", "en": "Period"},
    "digest_col_state": {"sv": "Läge", "en": "State"},
    "digest_col_subject": {"sv": "Ämnesrad", "en": "Subject"},
})


@cli_errors
def digest(
    ctx: typer.Context,
    period: Optional[str] = typer.Option(None, "--period",
                                         help="ISO-vecka (2026-W48) eller datum (2026-11-22)"),
    committee: Optional[str] = typer.Option(None, "--committee", help="Bara denna nämnd (eller all)"),
    preview: Optional[Path] = typer.Option(None, "--preview", metavar="DIR",
                                           help="Skriv mejlen till DIR; inget skickas eller sparas"),
    send: bool = typer.Option(False, "--send", help="Skicka via den konfigurerade kanalen"),
    resend: Optional[str] = typer.Option(None, "--resend", metavar="PERIOD",
                                         help="Skicka om periodens sammanfattningar som "
                                              "skrevs till utkorgen, nu via SMTP"),
) -> None:
    """Veckans (eller dagens) sammanfattningar: visa, förhandsgranska eller skicka.

    Utan --send eller --preview visas vad som skulle skickas. Varje sammanfattning skickas
    en gång per prenumeration och period. --resend PERIOD skickar de sammanfattningar som
    skrevs till utkorgen (under provperioden) en gång till, via SMTP.

    Example: monitor digest --committee bun --preview /tmp/digests
    """
    st = state(ctx)
    lang, config = st.lang, st.config
    if preview and send:
        raise UsageError("--preview", str(preview), reason="usage.together", other="--send")
    if resend and (preview or send or period):
        raise UsageError("--resend", resend, reason="usage.together",
                         other="--send, --preview, --period")
    committee = resolve_committee(config, committee, allow_all=True)
    for option, value in (("--period", period), ("--resend", resend)):
        if value:
            try:
                Period.parse(value, config.settings.tz)
            except ValueError:
                raise UsageError(option, value, reason="usage.malformed",
                                 expected="2026-W48, 2026-11-22") from None
    if resend:
        _resend(st, resend, committee)
        return
    if send:
        outcomes = send_digests(config, st.store, period=period, committee=committee,
                                now=st.now)
    else:
        outcomes = preview_digests(config, st.read_store, preview, period=period,
                                   committee=committee, now=st.now)
    if not outcomes:
        say(t("digest_none", lang))
        return
    rows = [{"committee": o.committee, "email": o.email, "period": o.period,
             "state": t(f"digest_outcome_{o.state}", lang), "subject": o.subject} for o in outcomes]
    emit(rows, "table", columns=[("committee", t("sub_col_committee", lang)),
                                 ("email", t("sub_col_email", lang)),
                                 ("period", t("digest_col_period", lang)),
                                 ("state", t("digest_col_state", lang)),
                                 ("subject", t("digest_col_subject", lang))],
         no_wrap=("committee", "period"))
    failed = [o for o in outcomes if o.state == "pending"]
    if failed:
        say(t("digest_failed", lang, n=len(failed), error=failed[0].error), error=True)
        raise typer.Exit(1)


def _resend(st, period: str, committee: Optional[str]) -> None:  # noqa: ANN001
    """``digest --resend``: the outbox's digests of a period, once more over SMTP."""
    from monitor.errors import NotConfigured
    from monitor.mail.channels import registry
    from monitor.mail.ledger import resend_from_outbox
    from monitor.mail.message import mail_settings

    lang = st.lang
    store = st.read_store
    try:
        channel = registry.get("smtp")(mail_settings(st.config))
    except NotConfigured as exc:
        raise UsageError("--resend", period, reason="usage.resend_needs_smtp",
                         detail=str(exc)) from None
    rows, report = resend_from_outbox(store, channel, period=Period.parse(
        period, st.config.settings.tz).label, committee=committee, now=st.now)
    if not rows:
        say(t("digest_resend_none", lang, period=period))
        return
    sent = set(report.sent)
    emit([{"committee": r["committee"], "email": ", ".join(r["recipients"]),
           "state": t("digest_resent" if r["key"] in sent else "digest_resend_failed", lang),
           "subject": r["subject"]} for r in rows], "table",
         columns=[("committee", t("sub_col_committee", lang)),
                  ("email", t("sub_col_email", lang)), ("state", t("digest_col_state", lang)),
                  ("subject", t("digest_col_subject", lang))])
    if report.failed:
        say(t("digest_resend_error", lang, n=len(report.failed), error=report.failed[0][1]),
            error=True)
        raise typer.Exit(1)


@cli_errors
def calendar(
    ctx: typer.Context,
    committee: Optional[str] = typer.Option(None, "--committee", help="Bara denna nämnds utlysningar"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Skriv till FILE (annars standard ut)"),
) -> None:
    """Sista dagar (och kommande öppningsdatum) för öppna utlysningar som iCalendar-fil.

    Importera i Outlook eller Google Kalender; en ny import uppdaterar händelserna.

    Example: monitor calendar --committee kfn --output kfn.ics
    """
    st = state(ctx)
    committee = resolve_committee(st.config, committee)
    data = build_calendar(st.config, st.read_store, committee=committee, lang=st.lang,
                          now=st.now)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    output.write_bytes(data)
    say(t("calendar_written", st.lang, n=data.count(b"BEGIN:VEVENT"), file=output))
