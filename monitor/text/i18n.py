"""User-facing text in Swedish (default) and English.

``t(key, lang, **values)``; a module with text of its own adds it with :func:`add_messages`.
Code, logs meant for developers and the store stay in English.
"""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = ["t", "add_messages", "LANGUAGES", "default_language", "format_datetime",
           "format_date"]

LANGUAGES = ("sv", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "error": {"sv": "Fel", "en": "Error"},
    "config_error": {"sv": "Fel i konfigurationen: {message}",
                     "en": "Configuration error: {message}"},
    "poll_ok": {"sv": "{source}: {parsed} poster, {new} nya, {changed} ändrade ({seconds:.1f} s)",
                "en": "{source}: {parsed} items, {new} new, {changed} changed ({seconds:.1f} s)"},
    "poll_unchanged": {"sv": "{source}: oförändrad sedan förra hämtningen (HTTP 304)",
                       "en": "{source}: unchanged since the last poll (HTTP 304)"},
    "poll_error": {"sv": "{source}: MISSLYCKADES: {error}", "en": "{source}: FAILED: {error}"},
    "poll_summary": {"sv": "{ok} av {total} källor hämtade, {failed} misslyckades.",
                     "en": "{ok} of {total} sources polled, {failed} failed."},
    "poll_progress": {"sv": "Hämtar källor", "en": "Polling sources"},
    "no_sources": {"sv": "Inga aktiverade källor i {file}.",
                   "en": "No enabled sources in {file}."},
    "no_items": {"sv": "Inga poster matchar.", "en": "No items match."},
    "item_not_found": {"sv": "Ingen post med id {id!r}.", "en": "No item with id {id!r}."},
    "col_id": {"sv": "Id", "en": "Id"},
    "col_title": {"sv": "Titel", "en": "Title"},
    "col_programme": {"sv": "Program", "en": "Programme"},
    "col_status": {"sv": "Status", "en": "Status"},
    "col_opens": {"sv": "Öppnar", "en": "Opens"},
    "col_deadline": {"sv": "Sista dag", "en": "Deadline"},
    "col_published": {"sv": "Publicerad", "en": "Published"},
    "col_source": {"sv": "Källa", "en": "Source"},
    "col_committees": {"sv": "Nämnder", "en": "Committees"},
    "col_kind": {"sv": "Typ", "en": "Kind"},
    "col_url": {"sv": "Adress", "en": "URL"},
    "col_enabled": {"sv": "Aktiv", "en": "Enabled"},
    "col_last_poll": {"sv": "Senaste hämtning", "en": "Last poll"},
    "col_outcome": {"sv": "Utfall", "en": "Outcome"},
    "col_items": {"sv": "Poster", "en": "Items"},
    "col_error": {"sv": "Fel", "en": "Error"},
    "col_health": {"sv": "Hälsa", "en": "Health"},
    "status_open": {"sv": "öppen", "en": "open"},
    "status_forthcoming": {"sv": "kommande", "en": "forthcoming"},
    "status_closed": {"sv": "stängd", "en": "closed"},
    "yes": {"sv": "ja", "en": "yes"},
    "no": {"sv": "nej", "en": "no"},
    "never": {"sv": "aldrig", "en": "never"},
    "show_history": {"sv": "Ändringar", "en": "Changes"},
    "show_no_history": {"sv": "Inga ändringar registrerade.", "en": "No changes recorded."},
    "show_provenance": {"sv": "Hämtningar", "en": "Polls"},
    "show_first_seen": {"sv": "Först sedd {time} (hämtning {poll})",
                        "en": "First seen {time} (poll {poll})"},
    "show_last_seen": {"sv": "Senast sedd {time} (hämtning {poll})",
                       "en": "Last seen {time} (poll {poll})"},
    "show_tags": {"sv": "Taggar och varför", "en": "Tags and why"},
    "show_no_tags": {"sv": "Inga taggar.", "en": "No tags."},
    "show_deadlines": {"sv": "Alla sista dagar", "en": "All deadlines"},
    "run_step": {"sv": "Steg: {step}", "en": "Step: {step}"},
}


def add_messages(messages: dict[str, dict[str, str]]) -> None:
    """Register a module's messages; a key defined twice is a programming error."""
    clash = set(messages) & set(MESSAGES)
    if clash:
        raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
    MESSAGES.update(messages)


def default_language() -> str:
    lang = os.environ.get("MONITOR_LANG", "sv")
    return lang if lang in LANGUAGES else "sv"


def t(key: str, lang: str = "sv", /, **values: object) -> str:
    entry = MESSAGES[key]
    return entry.get(lang, entry["sv"]).format(**values)


def format_datetime(value: str | datetime | None, tz: ZoneInfo, *, with_time: bool = True) -> str:
    """A moment as tables show it (``2027-02-18 12:00``), by the one rule of
    :func:`monitor.text.when.shown`; the time of day only where it says something."""
    from monitor.text.when import iso
    return iso(value, tz, with_time=with_time)


def format_date(value: str | datetime | None, tz: ZoneInfo) -> str:
    return format_datetime(value, tz, with_time=False)
