"""One style for every usage error: the commands' own checks and Typer's parameter errors.

Commands raise :class:`monitor.errors.UsageError` (or Typer/Click raise theirs while parsing);
the command group renders either as one line — "Fel: --committee 'bnu': okänt värde.
Menade du 'bun'? Giltiga: …" in Swedish, "Error: …" in English — and exits with status 2.
The resolvers here accept what people type: a committee's id in any case, its name, or a
unique prefix; Swedish words wherever English values are accepted.
"""

from __future__ import annotations

import difflib
import re
import sys
from typing import Iterable, Mapping, Sequence

import typer

from monitor.config.lookup import resolve_tag
from monitor.errors import UsageError
from monitor.text.i18n import add_messages, t

__all__ = ["UsageError", "render", "render_click", "choose", "resolve_committee",
           "resolve_tag", "check_not_negative", "check_year", "lang_from_args"]

add_messages({
    "usage.line": {"sv": "Fel: {option} {value!r}: {reason}", "en": "Error: {option} {value!r}: "
                                                                    "{reason}"},
    "usage.bare": {"sv": "Fel: {reason}", "en": "Error: {reason}"},
    "usage.unknown": {"sv": "okänt värde.", "en": "unknown value."},
    "usage.text": {"sv": "{text}", "en": "{text}"},
    "usage.ambiguous": {"sv": "passar flera ({matches}); skriv mer av namnet.",
                        "en": "fits several ({matches}); type more of the name."},
    "usage.negative": {"sv": "får inte vara negativt.", "en": "must not be negative."},
    "usage.year": {"sv": "ange året med fyra siffror, som 2026.",
                   "en": "give the year as four digits, like 2026."},
    "usage.not_integer": {"sv": "är inget heltal.", "en": "is not a whole number."},
    "usage.not_number": {"sv": "är inget tal.", "en": "is not a number."},
    "usage.range": {"sv": "ligger utanför det tillåtna ({range}).",
                    "en": "is outside the allowed range ({range})."},
    "usage.not_path": {"sv": "filen eller mappen finns inte eller kan inte läsas.",
                       "en": "the file or folder does not exist or cannot be read."},
    "usage.together": {"sv": "kan inte användas tillsammans med {other}.",
                       "en": "cannot be used together with {other}."},
    "usage.not_email": {"sv": "är ingen e-postadress (som namn@kommun.se).",
                        "en": "is not a mail address (like name@example.org)."},
    "usage.malformed": {"sv": "har fel form; väntat: {expected}.",
                        "en": "is malformed; expected: {expected}."},
    "usage.missing_option": {"sv": "Fel: {option} saknas.", "en": "Error: {option} is missing."},
    "usage.missing_argument": {"sv": "Fel: {option} saknas (argument).",
                               "en": "Error: the argument {option} is missing."},
    "usage.no_such_option": {"sv": "Fel: okänd flagga {option}.",
                             "en": "Error: unknown option {option}."},
    "usage.no_such_command": {"sv": "Fel: okänt kommando {value!r}.",
                              "en": "Error: unknown command {value!r}."},
    "usage.needs_value": {"sv": "Fel: {option} behöver ett värde.",
                          "en": "Error: {option} needs a value."},
    "usage.missing_command": {"sv": "Fel: kommando saknas.", "en": "Error: a command is missing."},
    "usage.extra": {"sv": "Fel: oväntat argument {value!r}.",
                    "en": "Error: unexpected argument {value!r}."},
    "usage.did_you_mean": {"sv": " Menade du {choices}?", "en": " Did you mean {choices}?"},
    "usage.valid": {"sv": " Giltiga: {choices}.", "en": " Valid: {choices}."},
    "usage.help": {"sv": " (Se {command} --help.)", "en": " (See {command} --help.)"},
    "usage.or": {"sv": "eller", "en": "or"},
})


def _alternatives(values: Sequence[str], lang: str) -> str:
    quoted = [repr(v) if not str(v).startswith("-") else str(v) for v in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} {t('usage.or', lang)} {quoted[-1]}"


def render(exc: UsageError, lang: str) -> str:
    """The one line a usage error prints."""
    values = dict(exc.values)
    if "matches" in values and not isinstance(values["matches"], str):
        values["matches"] = ", ".join(map(str, values["matches"]))  # type: ignore[arg-type]
    reason = t(exc.reason, lang, **values)
    if exc.option:
        text = t("usage.line", lang, option=exc.option, value=exc.value, reason=reason)
    else:
        text = t("usage.bare", lang, reason=reason)
    if exc.suggestions:
        text += t("usage.did_you_mean", lang, choices=_alternatives(exc.suggestions, lang))
    if exc.valid:
        text += t("usage.valid", lang, choices=", ".join(exc.valid))
    return text


# Typer vendors its own copy of Click in newer releases: take the exception classes from the
# module Typer's own BadParameter comes from, whichever that is.
_click = sys.modules[typer.BadParameter.__module__]
ClickUsageError = _click.UsageError
NoArgsIsHelp = getattr(_click, "NoArgsIsHelpError", None) or type("NoArgsIsHelp", (Exception,), {})

_TYPE_ERRORS = (  # Click's words and (newer Typer) pydantic's
    (re.compile(r"valid (integer|int\b)"), "usage.not_integer"),  # "valid int range" too
    (re.compile(r"valid (float|number)"), "usage.not_number"),
    (re.compile(r"not in the range (?P<range>.+?)\.?$"), "usage.range"),
    (re.compile(r"(?P<range>(greater|less) than( or equal to)? -?[\d.]+)"), "usage.range"),
    (re.compile(r"is not one of (?P<valid>.+?)\.?$"), "usage.unknown"),
    (re.compile(r"(does not exist|is not readable|is a directory)"), "usage.not_path"),
)


def render_click(exc: Exception, lang: str, args: Sequence[str] = ()) -> str:
    """Click's and Typer's own errors (unknown option, wrong type, missing value ...) in the
    same style as :func:`render`; ``args`` (the raw command line) supplies the value."""
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "monitor"
    helpline = t("usage.help", lang, command=command)
    kind = type(exc).__name__
    if kind == "NoSuchOption":
        text = t("usage.no_such_option", lang, option=exc.option_name)
        if exc.possibilities:
            text += t("usage.did_you_mean", lang,
                      choices=_alternatives(sorted(exc.possibilities), lang))
        return text + helpline
    if kind == "MissingParameter":
        name = _param_name(exc.param) or str(exc.param_hint or "")
        kind = getattr(exc.param, "param_type_name", None) or exc.param_type
        key = "usage.missing_argument" if kind == "argument" else "usage.missing_option"
        return t(key, lang, option=name) + helpline
    if kind == "BadParameter":
        name = _param_name(exc.param) or str(exc.param_hint or "")
        value = _value_of(exc.param, args)
        message = exc.message
        for pattern, key in _TYPE_ERRORS:
            m = pattern.search(message)
            if m:
                groups = m.groupdict()
                valid = [v.strip(" '") for v in (groups.get("valid") or "").split(",")
                         if v.strip()]
                return render(UsageError(name, value, reason=key, valid=valid,
                                         range=_range(groups.get("range") or "")), lang)
        return render(UsageError(name, value, reason="usage.text", text=message), lang)
    if kind == "BadOptionUsage":
        return t("usage.needs_value", lang, option=exc.option_name) + helpline
    message = exc.format_message()
    m = re.match(r"No such command '(?P<value>[^']+)'", message)
    if m:
        text = t("usage.no_such_command", lang, value=m["value"])
        group = ctx.command if ctx is not None else None
        names = group.list_commands(ctx) if hasattr(group, "list_commands") else []
        near = difflib.get_close_matches(m["value"], names, n=3, cutoff=0.6)
        if near:
            text += t("usage.did_you_mean", lang, choices=_alternatives(near, lang))
        return text + helpline
    m = re.match(r"Got unexpected extra argument(s|\(s\))? \((?P<value>.+)\)", message)
    if m:
        return t("usage.extra", lang, value=m["value"]) + helpline
    if message.startswith("Missing command"):
        return t("usage.missing_command", lang) + helpline
    return t("usage.bare", lang, reason=message) + helpline


def _range(text: str) -> str:
    text = text.replace("greater than or equal to ", ">= ").replace("less than or equal to ",
                                                                     "<= ")
    return text.replace("greater than ", "> ").replace("less than ", "< ")


def _param_name(param) -> str:  # noqa: ANN001 - a Click parameter
    if param is None:
        return ""
    if getattr(param, "param_type_name", "") == "option":
        return max(param.opts, key=len) if param.opts else param.name or ""
    return (getattr(param, "metavar", None) or param.name or "").upper()


def _value_of(param, args: Sequence[str]) -> str:  # noqa: ANN001
    """The value given to an option on the raw command line (the last one, as Click reads)."""
    value = ""
    opts = list(getattr(param, "opts", ()) or ())
    for i, arg in enumerate(args):
        for opt in opts:
            if arg == opt and i + 1 < len(args):
                value = args[i + 1]
            elif arg.startswith(opt + "="):
                value = arg[len(opt) + 1:]
    return value


def lang_from_args(args: Sequence[str], default: str) -> str:
    """``--lang`` read from raw arguments, for errors raised before options are parsed."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in ("sv", "en"):
            return args[i + 1]
        if arg in ("--lang=sv", "--lang=en"):
            return arg.split("=", 1)[1]
    return default


# ----------------------------------------------------------------- resolvers
def choose(option: str, value: str, aliases: Mapping[str, str],
           shown: Sequence[str] | None = None) -> str:
    """The canonical value for ``value``: ``aliases`` maps every accepted spelling (English
    ids, Swedish words; compared in lower case) to it; anything else is a usage error with
    the near misses and the values ``shown`` (default: the canonical ones)."""
    key = value.strip().lower()
    lowered = {k.lower(): v for k, v in aliases.items()}
    if key in lowered:
        return lowered[key]
    valid = list(shown) if shown is not None else list(dict.fromkeys(aliases.values()))
    near: dict[str, str] = {}  # one spelling per canonical value, the closest first
    for word in difflib.get_close_matches(key, list(lowered), n=6, cutoff=0.6):
        near.setdefault(lowered[word], word)
    raise UsageError(option, value, valid=valid, suggestions=list(near.values())[:3])


def choose_all(option: str, values: Iterable[str], aliases: Mapping[str, str]) -> list[str]:
    return [choose(option, v, aliases) for v in values]


def resolve_committee(config, value: str | None, *, option: str = "--committee",  # noqa: ANN001
                      allow_all: bool = False) -> str | None:
    """A committee id from what was typed (id, name, unique prefix); ``all`` when allowed."""
    if value is None:
        return None
    from monitor.config.committees import committees
    names: dict[str, Sequence[str]] = {c.id: (c.name, c.name_en)
                                       for c in committees(config).values()}
    if allow_all:
        from monitor.digests.subscriptions import ALL
        names[ALL] = ("alla",)
    return resolve_tag(option, value, names)


def resolve_priority(config, value: str | None, *, option: str = "--priority",  # noqa: ANN001
                     ) -> str | None:
    if value is None:
        return None
    from monitor.config.committees import priorities
    return resolve_tag(option, value, {p.id: (p.name, p.name_en)
                                       for p in priorities(config).values()})


def check_not_negative(option: str, value: float | None) -> float | None:
    if value is not None and value < 0:
        raise UsageError(option, value, reason="usage.negative")
    return value


def check_year(option: str, value: int | None) -> int | None:
    if value is not None and not 1000 <= value <= 9999:
        raise UsageError(option, value, reason="usage.year")
    return value


def resolve_sources(config, values: Iterable[str], *,  # noqa: ANN001
                    option: str = "--source") -> list[str]:
    """Source names from ``sources.toml`` (any case, or a unique prefix); unknown ones are an
    error (a mistyped source used to give an empty listing). Without any, sources.toml is
    not read (a listing of every source imports no source class)."""
    if not values:
        return []
    names: dict[str, Sequence[str]] = {s.name: () for s in config.sources}
    return [resolve_tag(option, value, names) for value in values]


CALL_STATUSES = {"forthcoming": "forthcoming", "kommande": "forthcoming", "open": "open",
                 "öppen": "open", "öppna": "open", "closed": "closed", "stängd": "closed",
                 "stängda": "closed"}
APPLICATION_STATUSES = {
    "intent": "intent", "avsikt": "intent", "ks-approved": "ks-approved",
    "ks-godkänd": "ks-approved", "godkänd": "ks-approved", "godkänd av ks": "ks-approved",
    "submitted": "submitted", "inskickad": "submitted", "granted": "granted",
    "beviljad": "granted", "rejected": "rejected", "avslagen": "rejected",
    "withdrawn": "withdrawn", "återkallad": "withdrawn"}
FREQUENCIES = {"weekly": "weekly", "veckovis": "weekly", "daily": "daily",
               "dagligen": "daily", "daglig": "daily"}
