"""Helpers shared by the mail commands (subscribe, digest, calendar, serve)."""

from __future__ import annotations

from typing import NoReturn, Sequence

import typer

from ..committees import committees
from ..config import Config
from ..i18n import add_messages, t
from ..subscriptions import ALL
from .common import EXIT_USAGE, console, err

add_messages({
    "mail_invalid_value": {"sv": "{option}: okänt eller felaktigt värde {value!r}. Giltiga: {valid}",
                      "en": "{option}: unknown or malformed value {value!r}. Valid: {valid}"},
    "mail_invalid_email": {"sv": "{option}: {value!r} är ingen e-postadress (som namn@kommun.se)",
                      "en": "{option}: {value!r} is not a mail address (like name@example.org)"},
})


def say(text: str, *, error: bool = False) -> None:
    """One message line, never wrapped or styled (it may hold addresses and paths)."""
    (err if error else console).print(text, markup=False, highlight=False, soft_wrap=True)


def usage_error(lang: str, option: str, value: str, valid: Sequence[str] = ()) -> NoReturn:
    """Print a localized usage error naming the option and the valid choices; exit 2."""
    if valid:
        message = t("mail_invalid_value", lang, option=option, value=value, valid=", ".join(valid))
    else:
        message = t("mail_invalid_email", lang, option=option, value=value)
    say(t("usage_error", lang, message=message), error=True)
    raise typer.Exit(EXIT_USAGE)


def check_committee(config: Config, committee: str | None, lang: str, *,
                    allow_all: bool = True) -> None:
    """Exit 2 with the valid ids when ``committee`` is not a configured committee."""
    if committee is None:
        return
    valid = [*committees(config), *([ALL] if allow_all else [])]
    if committee not in valid:
        usage_error(lang, "--committee", committee, valid)
