"""``[web]`` settings and the public addresses of a committee's page and feeds.

The digest footer links these when ``base_url`` is set: the address people reach the page at
through the reverse proxy, at the root of its host (e.g. ``https://omvarld.intranat.tyreso.se``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..config import SECTION_SCHEMAS, Config, Key, check_http_url

__all__ = ["WEB_SCHEMA", "web_settings", "web_links"]

ALL = "all"


def _url_or_empty(value: str) -> str | None:
    return None if value == "" else check_http_url(value)


WEB_SCHEMA: dict[str, Key] = {
    "base_url": Key(str, "", _url_or_empty,
                    doc="public address of the page (behind the proxy); empty: mail links none"),
}
SECTION_SCHEMAS["web"] = WEB_SCHEMA


def web_settings(config: Config) -> dict[str, Any]:
    """``[web]`` with defaults (also when settings were read before this module)."""
    values = dict(config.settings.section("web") or {})
    for key, spec in WEB_SCHEMA.items():
        values.setdefault(key, spec.default)
    return values


def web_links(config: Config, committee: str | None) -> dict[str, str] | None:
    """``{"page", "ics", "atom"}`` for a committee (or ``all``/None: the whole overview), or
    None when no ``base_url`` is configured."""
    base = web_settings(config)["base_url"].rstrip("/")
    if not base:
        return None
    feed = quote(committee or ALL, safe="")
    page = f"{base}/" if feed == ALL else f"{base}/committees/{feed}"
    return {"page": page, "ics": f"{base}/feeds/{feed}.ics", "atom": f"{base}/feeds/{feed}.atom"}
