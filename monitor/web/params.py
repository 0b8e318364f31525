"""Query parameters → the CLI's filters, each bad value a clear 400 in the user's language.

The names follow the issue and the CLI: ``committee`` (id, name or a unique beginning of
either), ``status`` (repeatable), ``all``, ``source`` (repeatable), ``programme``,
``closing_within`` (days), ``q`` (the CLI's ``--search``), ``priority``, ``limit``, ``lang``.
A parameter a page does not take is refused, so a typo is not silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException

from monitor.config.committees import committees, priorities
from monitor.config.lookup import resolve_tag
from monitor.config.settings import Config
from monitor.errors import UsageError
from monitor.model import STATUSES
from monitor.text.i18n import LANGUAGES, add_messages, t

__all__ = ["BadParameter", "Filters", "parse_filters", "language", "check_params",
           "resolve_committee", "CALL_PARAMS", "LEGISLATION_PARAMS"]

add_messages({
    "web.bad_param": {"sv": "Ogiltigt värde för {name}: {value!r}. Giltiga: {valid}.",
                      "en": "Invalid value for {name}: {value!r}. Valid: {valid}."},
    "web.unknown_param": {"sv": "Okänd parameter {name!r}. Sidan tar: {valid}.",
                          "en": "Unknown parameter {name!r}. This page takes: {valid}."},
    "web.bad_number": {"sv": "{name} ska vara ett tal större än 0, inte {value!r}.",
                       "en": "{name} must be a number greater than 0, not {value!r}."},
    "web.ambiguous_committee": {"sv": "{value!r} passar flera nämnder: {valid}.",
                                "en": "{value!r} fits several committees: {valid}."},
})

CALL_PARAMS = ("committee", "status", "all", "source", "programme", "closing_within", "q",
               "priority", "limit", "lang")
LEGISLATION_PARAMS = ("committee", "source", "q", "priority", "limit", "lang")
MAX_LIMIT = 10_000


class BadParameter(HTTPException):
    """A 400 whose detail is already in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=400, detail=message)


def language(params: QueryParams, config: Config) -> str:
    """``?lang=en`` or ``sv``, else the configured language."""
    lang = params.get("lang") or config.settings.language
    if lang not in LANGUAGES:
        raise BadParameter(t("web.bad_param", config.settings.language, name="lang", value=lang,
                             valid=", ".join(LANGUAGES)))
    return lang


def check_params(params: QueryParams, allowed: tuple[str, ...], lang: str) -> None:
    for name in params:
        if name not in allowed:
            raise BadParameter(t("web.unknown_param", lang, name=name, valid=", ".join(allowed)))


def resolve_committee(config: Config, value: str, lang: str) -> str:
    """A committee id from its id, its Swedish or English name, or a unique beginning of one
    of these (case-insensitive): ``bun``, ``Barn- och utbildningsnämnden``, ``barn``; the
    CLI's lookup (monitor.config.lookup), its errors as the page's own."""
    names = {c.id: (c.name, c.name_en) for c in committees(config).values()}
    try:
        return resolve_tag("committee", value, names)
    except UsageError as exc:
        if exc.reason == "usage.ambiguous":
            raise BadParameter(t("web.ambiguous_committee", lang, value=value,
                                 valid=", ".join(exc.values["matches"]))) from None
        raise BadParameter(t("web.bad_param", lang, name="committee", value=value,
                             valid=", ".join(names))) from None


def _positive(params: QueryParams, name: str, lang: str, kind: type) -> Any:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = kind(raw)
    except ValueError:
        value = 0
    if not value > 0 or value != value or value == float("inf"):
        raise BadParameter(t("web.bad_number", lang, name=name, value=raw))
    return value


@dataclass
class Filters:
    """The filters of one listing, as :class:`~monitor.store.rows.ItemQuery` fields and as URL
    parameters."""

    committee: str | None = None
    statuses: list[str] = field(default_factory=list)
    include_closed: bool = False
    sources: list[str] = field(default_factory=list)
    programme: str | None = None
    search: str | None = None
    closing_within_days: float | None = None
    priority: str | None = None
    limit: int | None = None

    def call_query(self) -> dict[str, Any]:
        """:class:`~monitor.store.rows.ItemQuery` fields as ``monitor calls`` passes them."""
        return dict(statuses=self.statuses, include_closed=self.include_closed,
                    sources=self.sources, programme=self.programme, search=self.search,
                    closing_within_days=self.closing_within_days, committee=self.committee,
                    priority=self.priority, eligible_only=not self.include_closed)

    def legislation_query(self) -> dict[str, Any]:
        return dict(sources=self.sources, search=self.search, committee=self.committee,
                    priority=self.priority)

    def as_params(self) -> list[tuple[str, str]]:
        """The filters back as query parameters (for links that keep them)."""
        pairs: list[tuple[str, Any]] = [("committee", self.committee)]
        pairs += [("status", s) for s in self.statuses]
        pairs += [("all", "1" if self.include_closed else None)]
        pairs += [("source", s) for s in self.sources]
        pairs += [("programme", self.programme), ("q", self.search),
                  ("closing_within", _number(self.closing_within_days)),
                  ("priority", self.priority)]
        return [(k, str(v)) for k, v in pairs if v not in (None, "")]


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if value == int(value) else str(value)


def parse_filters(params: QueryParams, config: Config, lang: str,
                  allowed: tuple[str, ...] = CALL_PARAMS) -> Filters:
    """Read and check every filter ``allowed`` takes; anything else is a 400."""
    check_params(params, allowed, lang)
    filters = Filters()
    committee = params.get("committee")
    if committee:
        filters.committee = resolve_committee(config, committee, lang)
    filters.statuses = [s for s in params.getlist("status") if s]
    for status in filters.statuses:
        if status not in STATUSES:
            raise BadParameter(t("web.bad_param", lang, name="status", value=status,
                                 valid=", ".join(STATUSES)))
    include = params.get("all", "")
    if include not in ("", "0", "1", "true", "false"):
        raise BadParameter(t("web.bad_param", lang, name="all", value=include, valid="1, 0"))
    filters.include_closed = include in ("1", "true")
    known_sources = [s.name for s in config.sources]
    filters.sources = [s for s in params.getlist("source") if s]
    for source in filters.sources:
        if source not in known_sources:
            raise BadParameter(t("web.bad_param", lang, name="source", value=source,
                                 valid=", ".join(known_sources)))
    filters.programme = params.get("programme") or None
    filters.search = params.get("q") or None
    filters.closing_within_days = _positive(params, "closing_within", lang, float)
    priority = params.get("priority")
    if priority:
        if priority not in priorities(config):
            raise BadParameter(t("web.bad_param", lang, name="priority", value=priority,
                                 valid=", ".join(priorities(config))))
        filters.priority = priority
    limit = _positive(params, "limit", lang, int)
    filters.limit = min(limit, MAX_LIMIT) if limit else None
    return filters
