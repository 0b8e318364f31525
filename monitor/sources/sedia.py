"""EU Funding & Tenders portal, through its search API (SEDIA)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, AsyncIterator

from monitor.config.settings import Key
from monitor.http.fetch import SourceHTTP, read_json
from monitor.model import (CALL, CLOSED, FORTHCOMING, OPEN, Item, date_only, day_deadline,
                           day_opening, html_to_text)
from monitor.sources.base import Source

PORTAL = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities"

STATUS_LABELS = {"31094501": FORTHCOMING, "31094502": OPEN, "31094503": CLOSED}

# frameworkProgramme ids of 2021-2027, as the portal's facet data names them.
PROGRAMMES = {
    "43108390": "Horizon Europe", "43152860": "Digital Europe", "43353764": "Erasmus+",
    "43251589": "CERV", "43251814": "Creative Europe", "43252405": "LIFE",
    "43332642": "EU4Health", "43251447": "AMIF", "43251567": "CEF", "43252476": "SMP",
    "43254019": "ESF+", "43254037": "European Solidarity Corps", "43089234": "Innovation Fund",
    "44181033": "European Defence Fund", "43298916": "Euratom", "43392145": "EMFAF",
    "43251530": "BMVI", "43252368": "ISF", "43252386": "Justice", "43298203": "UCPM",
    "43251842": "EUAF", "43252449": "RFCS", "31045243": "Horizon 2020",
}

# Identifier prefixes, for rows whose programme id is missing or unknown.
PREFIXES = {
    "HORIZON": "Horizon Europe", "DIGITAL": "Digital Europe", "ERASMUS": "Erasmus+",
    "CERV": "CERV", "CREA": "Creative Europe", "LIFE": "LIFE", "EU4H": "EU4Health",
    "AMIF": "AMIF", "CEF": "CEF", "SMP": "SMP", "ESF": "ESF+", "ESC": "European Solidarity Corps",
    "INNOVFUND": "Innovation Fund", "EDF": "European Defence Fund", "EURATOM": "Euratom",
    "EMFAF": "EMFAF", "BMVI": "BMVI", "ISF": "ISF", "JUST": "Justice", "UCPM": "UCPM",
    "EUAF": "EUAF", "RFCS": "RFCS", "I3": "I3", "PPPA": "Pilot projects", "SOCPL": "SOCPL",
    "UCPM-": "UCPM", "IMCAP": "IMCAP", "EUBA": "EU Bodies", "URBACT": "URBACT",
}

DEFAULT_QUERY_TYPES = ["1", "2", "8"]
DEFAULT_STATUSES = ["31094501", "31094502"]


def _values(metadata: dict[str, Any], key: str) -> list[str]:
    """Metadata values are lists of strings; tolerate a bare string or a missing key."""
    value = metadata.get(key)
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and str(v) != ""]
    return [str(value)]


def _first(metadata: dict[str, Any], key: str) -> str | None:
    values = _values(metadata, key)
    return values[0] if values else None


def _date(value: str | None) -> datetime | None:
    """``2027-04-08T00:00:00.000+0000`` (no colon in the offset) and ISO variants."""
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            pass
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _embedded_json(value: str | None) -> Any:
    """``actions``/``budgetOverview``/legacy ``keywords`` are JSON inside a string, sometimes
    cut off: return what parses, else None."""
    if not value:
        return None
    try:
        return read_json(value)
    except ValueError:
        return None


def programme_name(metadata: dict[str, Any], identifier: str | None) -> str | None:
    code = _first(metadata, "frameworkProgramme")
    if code in PROGRAMMES:
        return PROGRAMMES[code]
    for candidate in (identifier, _first(metadata, "callIdentifier")):
        if candidate:
            head = re.split(r"[-_ ]", candidate.upper(), maxsplit=1)[0]
            if head in PREFIXES:
                return PREFIXES[head]
    return code


class SediaSource(Source):
    """EU Funding & Tenders portal: open and forthcoming calls via the SEDIA search API.

    Posts an Elasticsearch-style query (types, statuses, programme period) as JSON file parts
    and reads every page. Handles the portal's quirks: every metadata value a list, JSON
    inside strings that may be cut off, legacy rows with ``.json`` data links and stale
    status (deduplicated by identifier, preferring rows with a description), several
    deadlines (two-stage, multiple cut-off), cascade calls. Status is derived from the dates;
    links always go to the portal page a person reads.

    Options: ``page_size`` (max 100), ``types``, ``statuses``, ``programme_period``,
    ``languages``.
    """

    kind = "sedia"
    options = {
        "page_size": Key(int, 100, lambda v: None if 1 <= v <= 100 else "must be 1 to 100"),
        "types": Key(list, lambda: list(DEFAULT_QUERY_TYPES)),
        "statuses": Key(list, lambda: list(DEFAULT_STATUSES)),
        "programme_period": Key(str, "2021 - 2027"),
        "languages": Key(list, lambda: ["en"]),
    }

    def query(self) -> dict[str, Any]:
        return {"bool": {"must": [
            {"terms": {"type": [str(t) for t in self.option("types")]}},
            {"terms": {"status": [str(s) for s in self.option("statuses")]}},
            {"term": {"programmePeriod": self.option("programme_period")}},
        ]}}

    async def fetch(self, http: SourceHTTP) -> list[Item]:
        rows: list[dict[str, Any]] = []
        async for results in self._result_pages(http):
            rows.extend(results)
        return self.items_from_rows(rows, url=self.url)

    async def pages(self, http: SourceHTTP) -> AsyncIterator[list[Item]]:
        """Each page's calls as soon as it is read. A call repeated on a later page replaces
        the earlier one only when it ranks higher, as :meth:`fetch` would choose."""
        ranks: dict[str, tuple[int, int]] = {}
        async for results in self._result_pages(http):
            best = self._best(results, url=self.url)
            chosen = [item for native_id, (rank, item) in best.items()
                      if native_id not in ranks or rank > ranks[native_id]]
            ranks.update((native_id, rank) for native_id, (rank, _) in best.items()
                         if native_id not in ranks or rank > ranks[native_id])
            yield self.check_items(chosen)

    async def _result_pages(self, http: SourceHTTP) -> AsyncIterator[list[Any]]:
        page_size = self.option("page_size")
        files = {
            "query": ("blob", json.dumps(self.query()).encode(), "application/json"),
            "languages": ("blob", json.dumps(self.option("languages")).encode(),
                          "application/json"),
            "sort": ("blob", json.dumps({"field": "sortStatus", "order": "ASC"}).encode(),
                     "application/json"),
        }
        seen = 0
        for page in range(1, self.settings.http.max_pages + 1):
            response = await http.post(self.url, params={"pageSize": page_size,
                                                         "pageNumber": page}, files=files)
            data = self._envelope(response.json(), response.url)
            results = data["results"]
            seen += len(results)
            yield results
            total = data.get("totalResults")
            # The server may cap the page size below what was asked; its envelope says so.
            served = data.get("pageSize")
            effective = served if isinstance(served, int) and 0 < served < page_size else page_size
            if not results or len(results) < effective or (
                    isinstance(total, int) and seen >= total):
                break

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        data = self.parse_json(body, url)
        return self.items_from_rows(self._envelope(data, url)["results"], url=url)

    def _envelope(self, data: Any, url: str) -> dict[str, Any]:
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise self.parse_error("not a SEDIA search response (no 'results' list)", url)
        return data

    def items_from_rows(self, rows: list[Any], *, url: str) -> list[Item]:
        return self.check_items([item for _, item in self._best(rows, url=url).values()])

    def _best(self, rows: list[Any], *, url: str) -> dict[str, tuple[tuple[int, int], Item]]:
        """One item per call id: the row with a description, from the current portal."""
        best: dict[str, tuple[tuple[int, int], Item]] = {}
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("metadata"), dict):
                continue
            item = self.item_from_row(row)
            if item is None:
                continue
            metadata = row["metadata"]
            has_text = bool(_first(metadata, "descriptionByte") or _first(metadata, "description"))
            modern = _first(metadata, "DATASOURCE") != "SEDIA_PRD_CENTRICITY"
            rank = (int(has_text), int(modern))
            if item.native_id not in best or rank > best[item.native_id][0]:
                best[item.native_id] = (rank, item)
        if rows and not best:
            raise self.parse_error(f"none of {len(rows)} results had an identifier", url)
        return best

    def _opening(self, value: datetime | None) -> datetime | None:
        """A day-only start date is that day in the monitor's zone, like the deadlines."""
        if value is None or not date_only(value):
            return value
        return day_opening(value.date(), self.settings.tz)

    def item_from_row(self, row: dict[str, Any]) -> Item | None:
        metadata = row["metadata"]
        kind_code = _first(metadata, "type")
        identifier = _first(metadata, "identifier")
        url = str(row.get("url") or "")
        if kind_code == "8":
            # Cascade calls share the parent topic's identifier: the call is the reference.
            reference = str(row.get("reference") or "")
            number = re.match(r"\d+", reference)
            native_id = f"cascade-{number.group(0) if number else reference}"
            if not reference and not identifier:
                return None
            title = _first(metadata, "callTitle") or str(row.get("summary") or "")
            if "/competitive-calls-cs/" not in url:
                ccm2 = _first(metadata, "callccm2Id")
                url = f"{PORTAL}/competitive-calls-cs/{ccm2}" if ccm2 else \
                    f"{PORTAL}/topic-search"
        else:
            if not identifier:
                return None
            native_id = identifier
            title = _first(metadata, "title") or str(row.get("summary") or identifier)
            if "/topic-details/" not in url or url.endswith(".json"):
                url = f"{PORTAL}/topic-details/{identifier}"
        description = _first(metadata, "descriptionByte") or _first(metadata, "description")
        summary = html_to_text(description)
        if not summary:
            text = str(row.get("summary") or "")
            summary = "" if text.strip() == title.strip() else html_to_text(text)
        deadlines = [d for d in (_date(v) for v in _values(metadata, "deadlineDate")) if d]
        actions = _embedded_json(_first(metadata, "actions"))
        if not deadlines and isinstance(actions, list):
            for action in actions:
                if isinstance(action, dict):
                    deadlines += [d for d in map(_date, action.get("deadlineDates") or []) if d]
        # "…T00:00:00.000+0000" is a day in practice (the portal's cut-off, usually 17:00
        # Brussels, is on its page, not in the data): the end of that day, shown as that day.
        days = [d for d in deadlines if date_only(d)]
        deadlines = [day_deadline(d.date(), self.settings.tz) if date_only(d) else d
                     for d in deadlines]
        keywords = _values(metadata, "keywords")
        if len(keywords) == 1 and keywords[0].startswith("["):
            keywords = [str(k) for k in (_embedded_json(keywords[0]) or [])]
        extra = {k: v for k, v in {
            "identifier": identifier,
            "call_identifier": _first(metadata, "callIdentifier"),
            "call_title": _first(metadata, "callTitle"),
            "types_of_action": _values(metadata, "typesOfAction"),
            "deadline_model": _first(metadata, "deadlineModel"),
            "keywords": keywords,
            "tags": _values(metadata, "tags"),
            "cross_cutting_priorities": _values(metadata, "crossCuttingPriorities"),
            "budget": _first(metadata, "budget"),
            "project": _first(metadata, "projectName"),
            "project_acronym": _first(metadata, "projectAcronym"),
            "parent_title": _first(metadata, "title") if kind_code == "8" else None,
            "deadline_date_only": bool(days) and len(days) == len(deadlines),
        }.items() if v}
        return Item(
            source=self.name, native_id=native_id, kind=CALL, title=title.strip(), url=url,
            summary=summary, programme=programme_name(metadata, identifier),
            language=str(row.get("language") or "en"),
            status=STATUS_LABELS.get(_first(metadata, "status") or ""),
            opens=self._opening(_date(_first(metadata, "startDate"))), deadlines=deadlines,
            raw=row,
            extra=extra,
        )
