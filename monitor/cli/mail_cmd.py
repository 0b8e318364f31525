"""``monitor mail test``: check the mail settings by sending one message."""

from __future__ import annotations

import hashlib

import typer

from monitor.cli._kinds import print_kinds
from monitor.cli._mail_common import say
from monitor.cli.common import cli_errors, state
from monitor.cli.usage import UsageError
from monitor.config.committees import check_email
from monitor.mail.channels import DeliveryError, Envelope, build_notifier
from monitor.mail.message import build_message, mail_settings, message_bytes
from monitor.model import to_iso
from monitor.text.i18n import add_messages, t

add_messages({
    "mailtest.subject": {"sv": "Provmejl från omvärldsbevakningen",
                         "en": "Test mail from the funding monitor"},
    "mailtest.text": {
        "sv": "Det här är ett provmejl från omvärldsbevakningen (monitor mail test).\n\n"
              "Kanal: {channel}\nAvsändare: {sender}\nSkickat: {when}\n\n"
              "Kom det fram går sammanfattningarna samma väg.",
        "en": "This is a test mail from the funding monitor (monitor mail test).\n\n"
              "Channel: {channel}\nSender: {sender}\nSent: {when}\n\n"
              "If it arrived, the digests take the same way."},
    "mailtest.sent": {"sv": "Provmejl skickat till {address} via {channel}.",
                      "en": "Test mail sent to {address} through {channel}."},
    "mailtest.written": {"sv": "Provmejl skrivet till utkorgen {folder} (transport = outbox); "
                               "inget lämnade datorn.",
                         "en": "Test mail written to the outbox {folder} (transport = outbox); "
                               "nothing left the machine."},
    "mailtest.fallback": {"sv": "Obs: transport = {transport} men den kanalen är inte "
                                "konfigurerad; provmejlet skrevs till utkorgen {folder}.",
                          "en": "Note: transport = {transport} but that channel is not "
                                "configured; the test mail was written to the outbox {folder}."},
    "mailtest.failed": {"sv": "Provmejlet kunde inte skickas: {error}",
                        "en": "The test mail could not be sent: {error}"},
})

mail_app = typer.Typer(help="E-post: prova inställningarna, visa kanalerna.", no_args_is_help=True)


def channel_label(settings, channel) -> str:  # noqa: ANN001
    """``smtp smtp.tyreso.se:587 (starttls)`` or ``outbox data/outbox``."""
    if channel.kind == "smtp":
        return f"smtp {settings.smtp_host}:{settings.smtp_port} ({settings.smtp_security})"
    return f"{channel.kind} {getattr(channel, 'folder', '')}".strip()


@mail_app.command("test")
@cli_errors
def mail_test(ctx: typer.Context,
              address: str = typer.Argument(..., metavar="ADDRESS",
                                            help="Vart provmejlet ska skickas")) -> None:
    """Skicka ett provmejl till ADDRESS genom den konfigurerade kanalen ([mail] transport).

    Säger vilken server (eller utkorg) som användes; ett fel från servern visas med orsaken
    och ger exit-status 1. Inget sparas i databasen.

    Example: monitor mail test anna.svensson@tyreso.se
    """
    st = state(ctx)
    lang = st.lang
    address = address.strip()
    if check_email(address):
        raise UsageError("ADDRESS", address, reason="usage.not_email")
    settings = mail_settings(st.config)
    channel = build_notifier(st.config)
    now = st.now
    label = channel_label(settings, channel)
    message = build_message(settings, to=[address], subject=t("mailtest.subject", lang),
                            text=t("mailtest.text", lang, channel=label, sender=settings.sender,
                                   when=now.astimezone(st.tz).strftime("%Y-%m-%d %H:%M")),
                            html=None, key=f"test:{address}:{to_iso(now)}", date=now)
    name = "test_" + hashlib.sha256(f"{address}{to_iso(now)}".encode()).hexdigest()[:12]
    try:
        channel.send(Envelope(sender=settings.sender, recipients=(address,),
                              data=message_bytes(message), name=name))
    except DeliveryError as exc:
        say(t("mailtest.failed", lang, error=exc), error=True)
        raise typer.Exit(1)
    if channel.kind != settings.transport:
        say(t("mailtest.fallback", lang, transport=settings.transport,
              folder=getattr(channel, "folder", "")), error=True)
    elif channel.kind == "outbox":
        say(t("mailtest.written", lang, folder=channel.folder))
    else:
        say(t("mailtest.sent", lang, address=address, channel=label))


@mail_app.command("kinds")
def mail_kinds(ctx: typer.Context) -> None:
    """Kanaler som kan väljas med [mail] transport i settings.toml, med dokumentation och de
    nycklar under [mail] som de läser.

    Example: monitor mail kinds
    """
    from monitor.mail.channels import registry  # every channel module registers on import

    print_kinds(registry, state(ctx).lang)
