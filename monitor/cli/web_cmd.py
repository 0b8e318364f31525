"""``monitor web``: the intranet page, served by uvicorn."""

from __future__ import annotations

import ipaddress

import typer

from monitor.app import open_store
from monitor.cli._mail_common import say
from monitor.cli.common import cli_errors, clock, state
from monitor.config.settings import database_path
from monitor.text.i18n import add_messages, t

add_messages({
    "web_listening": {"sv": "Webbsidan på http://{host}:{port}/ (läser {db}); Ctrl-C stoppar.",
                      "en": "The web page at http://{host}:{port}/ (reading {db}); Ctrl-C stops."},
    "web_public": {
        "sv": "VARNING: {host} tar emot anrop från alla adresser, inte bara från den här "
              "datorn. Sidan har ingen inloggning: ställ en omvänd proxy med kommunens "
              "inloggning framför (se README) eller använd --host 127.0.0.1.",
        "en": "WARNING: {host} accepts requests from every address, not only from this "
              "machine. The page has no login: put a reverse proxy with the municipality's "
              "sign-on in front (see README) or use --host 127.0.0.1."},
})


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name may resolve to anything: warn


@cli_errors
def web(ctx: typer.Context,
        host: str = typer.Option("127.0.0.1", "--host", help="Adress att lyssna på"),
        port: int = typer.Option(8080, "--port", min=1, max=65535, help="Port")) -> None:
    """Intranätsidan: öppna utlysningar, beslutsgång, kalender- och Atom-flöden, JSON-API.

    Bara läsning. Lyssnar på 127.0.0.1 om inget annat sägs; med --host 0.0.0.0 varnar den,
    eftersom sidan själv saknar inloggning (kommunens inloggning ska ligga i en proxy framför).

    Example: monitor web --port 8080
    """
    import uvicorn

    from monitor.web.app import create_app

    st = state(ctx)
    config = st.config
    db_path = database_path(config, st.db)
    open_store(db_path).close()  # a database that cannot be opened fails here, not per request
    if not is_loopback(host):
        say(t("web_public", st.lang, host=host), error=True)
    say(t("web_listening", st.lang, host=host, port=port, db=db_path))
    site = create_app(config, db_path, clock=clock, open_store=open_store)
    uvicorn.run(site, host=host, port=port, log_level="info", proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", server_header=False)
