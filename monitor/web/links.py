"""``[web]`` settings and the public addresses of a committee's page and feeds.

The digest footer links these when ``base_url`` is set: the address people reach the page at
through the reverse proxy, at the root of its host (e.g. ``https://omvarld.intranat.tyreso.se``).
Declared as a feature in :mod:`monitor.app`; nothing of the web stack is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from monitor.config.settings import Config, Section, check_http_url, setting

__all__ = ["WebSettings", "web_links"]

ALL = "all"


def _url_or_empty(value: str) -> str | None:
    return None if value == "" else check_http_url(value)


@dataclass(frozen=True)
class WebSettings(Section):
    """``[web]``: where ``monitor web`` is reached behind the proxy."""

    base_url: str = setting("", _url_or_empty,
                            "public address of the page (behind the proxy); empty: mail links none")


def web_links(config: Config, committee: str | None) -> dict[str, str] | None:
    """``{"page", "ics", "atom"}`` for a committee (or ``all``/None: the whole overview), or
    None when no ``base_url`` is configured."""
    base = config.settings.section("web", WebSettings).base_url.rstrip("/")
    if not base:
        return None
    feed = quote(committee or ALL, safe="")
    page = f"{base}/" if feed == ALL else f"{base}/committees/{feed}"
    return {"page": page, "ics": f"{base}/feeds/{feed}.ics", "atom": f"{base}/feeds/{feed}.atom"}
