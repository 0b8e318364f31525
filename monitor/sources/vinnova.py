"""Vinnova's open API (no key): calls changed since a date."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from ..config import Key
from ..fetch import NotModified, SourceHTTP
from ..model import CALL, Item, html_to_text
from ._shared import absolute, local_datetime
from .base import Source

SITE = "https://www.vinnova.se/"
# No documented page per call when Webbsida is empty [inf]: the site search finds it by id.
SEARCH = "https://www.vinnova.se/sok-finansiering/hitta-finansiering/?q="


class VinnovaSource(Source):
    """Vinnova calls (utlysningar) from ``data.vinnova.se``.

    ``url`` is the endpoint without the date (``https://data.vinnova.se/api/utlysningar/``);
    the monitor appends the date ``days_back`` days ago (default 180: older dates are slow)
    and reads what changed since. Fields used: ``Diarienummer`` (the id), ``Titel`` (else
    ``TitelEngelska``), ``Beskrivning``, ``Oppningsdatum``/``Stangningsdatum`` (Swedish
    local time, no zone in the data) and ``Webbsida`` (the link).
    """

    kind = "vinnova"
    item_kind = CALL
    options = {
        "days_back": Key(int, 180, lambda v: None if 1 <= v <= 3650 else "must be 1 to 3650"),
    }

    def endpoint(self) -> str:
        since = (self.now - timedelta(days=self.option("days_back"))).astimezone(self.settings.tz)
        return self.url.rstrip("/") + "/" + since.date().isoformat()

    async def fetch(self, http: SourceHTTP) -> list[Item]:
        response = await http.get(self.endpoint(), conditional=True)
        if response.not_modified:
            raise NotModified(self.url)
        return self.parse(response.content, url=response.url,
                          content_type=response.content_type)

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        data = self.parse_json(body, url)
        if isinstance(data, dict):  # one record, or a wrapper around the list
            lists = [v for v in data.values() if isinstance(v, list)]
            data = lists[0] if len(lists) == 1 else [data]
        if not isinstance(data, list):
            raise self.parse_error("expected a list of calls", url)
        return [item for item in (self.item_from_row(r) for r in data if isinstance(r, dict))
                if item is not None]

    def item_from_row(self, row: dict[str, Any]) -> Item | None:
        native_id = str(row.get("Diarienummer") or "").strip()
        title = str(row.get("Titel") or row.get("TitelEngelska") or "").strip()
        if not native_id or not title:
            return None
        closes = local_datetime(row.get("Stangningsdatum"), self.settings.tz)
        website = str(row.get("Webbsida") or "").strip()
        extra = {k: v for k, v in {"title_en": row.get("TitelEngelska"),
                                   "diarienummer": native_id}.items() if v}
        # errors="replace": an id with a lone surrogate (a JSON escape) still makes a link
        search = SEARCH + quote(native_id, errors="replace")
        return Item(source=self.name, native_id=native_id, kind=CALL, title=title,
                    url=absolute(SITE, website) if website else search,
                    summary=html_to_text(str(row.get("Beskrivning") or "")),
                    programme="Vinnova", language="sv",
                    opens=local_datetime(row.get("Oppningsdatum"), self.settings.tz),
                    deadlines=[closes] if closes else [], raw=row, extra=extra)
