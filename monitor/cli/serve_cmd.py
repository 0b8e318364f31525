"""``monitor serve``."""

from __future__ import annotations

import logging

import typer

from monitor.app import serve as run_scheduler
from monitor.cli._mail_common import say
from monitor.cli.common import cli_errors, clock, state
from monitor.config.settings import database_path
from monitor.pipeline.schedule import AlreadyRunning
from monitor.text.i18n import add_messages, t

add_messages({
    "serve_running": {"sv": "En annan 'monitor serve' kör redan mot samma databas: {detail}",
                      "en": "Another 'monitor serve' is already running on this database: "
                            "{detail}"},
})


@cli_errors
def serve(ctx: typer.Context) -> None:
    """Kör schemat i förgrunden: hämtning, sammanfattningar och påminnelser ([schedule]).

    Stoppas med SIGTERM eller Ctrl-C; bara en instans per databas. Loggar till standard fel.

    Example: monitor serve
    """
    st = state(ctx)
    config = st.config.check()  # every file checked before the first job writes
    db_path = database_path(config, st.db)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        run_scheduler(config, db_path=db_path, lang=st.lang, clock=clock)
    except AlreadyRunning as exc:
        say(t("serve_running", st.lang, detail=str(exc)), error=True)
        raise typer.Exit(1)
