"""Vinnova's open API (no key): calls and their application rounds changed since a date."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from monitor.config.settings import Key, check_http_url
from monitor.errors import SourceError
from monitor.http.fetch import SourceHTTP
from monitor.model import CALL, Item, html_to_text
from monitor.sources._shared import local_datetime, opening_for
from monitor.sources.base import Request, Source

# No documented page per call [inf]: the site search finds a call by its number.
SEARCH = "https://www.vinnova.se/sok-finansiering/hitta-finansiering/?q="
#: what Vinnova's data uses for "no text" in the English fields [inf]
PLACEHOLDERS = {"", "x", "xx", "-"}
#: personal data (named officers, their mail and phone): never stored
PERSONAL = ("KontaktLista",)


def _text(value: Any) -> str:
    text = str(value or "").strip() if not isinstance(value, (dict, list)) else ""
    return "" if text.casefold() in PLACEHOLDERS else text


def _http_url(value: Any) -> str:
    """A real link, or nothing: ``Webbsida`` may be a 0/1 flag rather than an address."""
    text = value.strip() if isinstance(value, str) else ""
    return text if text and check_http_url(text) is None else ""


def _records(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):  # one record, or a wrapper around the list
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else [data]
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


def _list(value: Any) -> list[Any]:
    """A field that should hold a list; anything else (a number, a string, null) holds none."""
    return value if isinstance(value, list) else []


def _round_ids(call: dict[str, Any]) -> list[str]:
    """``AnsokningsomgangDnrLista``: ``[{"DiarienummerAnsokningsomgang": "2017-02942"}]``
    (also tolerated: plain strings, or ``Diarienummer`` as the key)."""
    ids = []
    for entry in _list(call.get("AnsokningsomgangDnrLista")):
        value = entry.get("DiarienummerAnsokningsomgang") or entry.get("Diarienummer") \
            if isinstance(entry, dict) else entry
        if isinstance(value, (str, int)) and str(value).strip():
            ids.append(str(value).strip())
    return ids


def _is_round(record: dict[str, Any]) -> bool:
    return "DiarienummerUtlysning" in record


def _public(record: dict[str, Any]) -> bool:
    """``Publik`` 0 is a round (or call) by invitation only [inf]; missing means public."""
    return str(record.get("Publik", 1)).strip() not in ("0", "False", "false")


def _links(record: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for link in _list(record.get("LankLista")):
        if isinstance(link, dict) and _http_url(link.get("URL") or link.get("Lank")):
            out.append({"text": _text(link.get("Beskrivning")),
                        "url": _http_url(link.get("URL") or link.get("Lank"))})
    return out


def _without_personal(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in PERSONAL}


class VinnovaSource(Source):
    """Vinnova calls (utlysningar) joined with their application rounds
    (ansökningsomgångar) from ``data.vinnova.se``.

    ``url`` is the calls endpoint without the date (``https://data.vinnova.se/api/
    utlysningar/``); ``rounds_url`` the rounds endpoint (default: the same with
    ``ansokningsomgangar``). Both are asked for what changed since ``days_back`` days ago
    (default 180: older dates are slow). A call lists its rounds in
    ``AnsokningsomgangDnrLista``; a round names its call in ``DiarienummerUtlysning``. A
    listed round that did not change (so is not in the answer), or a changed round whose call
    did not, is read on its own (``…/<diarienummer>``, at most ``max_lookups`` a poll), so a
    call is never shown without its rounds.

    One item per call: ``Diarienummer`` (the id), ``Titel`` (else ``TitelEngelska``),
    ``Beskrivning``, ``Publiceringsdatum`` (published), and from its public rounds the
    opening (``Oppningsdatum``) and every closing (``Stangningsdatum``) as deadlines,
    Swedish local time (no zone in the data). Rounds with ``Publik`` 0 are by invitation
    only and left out; a call with only such rounds is no item. The link is a real address
    only (``Webbsida`` when it is one; it is often a 0/1 flag), else Vinnova's site search
    for the call's number. Contact lists (named officers) are never stored.
    """

    kind = "vinnova"
    item_kind = CALL
    options = {
        "days_back": Key(int, 180, lambda v: None if 1 <= v <= 3650 else "must be 1 to 3650"),
        "rounds_url": Key(str, "", lambda v: check_http_url(v) if v else None,
                          doc="the rounds endpoint (default: url with ansokningsomgangar)"),
        "max_lookups": Key(int, 30, lambda v: None if 0 <= v <= 500 else "must be 0 to 500",
                           doc="single calls or rounds read on their own per poll"),
    }

    def since(self) -> str:
        since = (self.now - timedelta(days=self.option("days_back"))).astimezone(self.settings.tz)
        return since.date().isoformat()

    def calls_url(self) -> str:
        return self.url.rstrip("/") + "/"

    def rounds_base(self) -> str:
        configured = self.option("rounds_url")
        if configured:
            return configured.rstrip("/") + "/"
        return self.calls_url().replace("/utlysningar/", "/ansokningsomgangar/")

    def endpoint(self) -> str:
        return self.calls_url() + self.since()

    def requests(self) -> list[Request]:
        """The calls and the rounds changed since ``days_back`` days ago."""
        return [Request(self.endpoint()), Request(self.rounds_base() + self.since())]

    async def fetch(self, http: SourceHTTP) -> list[Item]:
        """Both answers (the join needs both: see ``read_together``), then the calls and
        rounds they refer to but do not hold."""
        answers = await self.read_together(http)
        calls = self.records(answers[0].content, answers[0].url)
        rounds = self.records(answers[1].content, answers[1].url)
        notes = await self.look_up(http, calls, rounds)
        return self.join(calls, rounds, notes)

    async def look_up(self, http: SourceHTTP, calls: list[dict[str, Any]],
                      rounds: list[dict[str, Any]]) -> list[str]:
        """Read the rounds and calls the answers refer to but do not hold, adding them to
        ``calls``/``rounds`` (a call read this way may list rounds of its own, hence the
        second pass). Returns what could not be read, as notes."""
        notes: list[str] = []
        tried: set[str] = set()
        for _ in range(2):
            have = {_text(r.get("Diarienummer")) for r in [*rounds, *calls]}
            wanted = [(self.rounds_base(), d, rounds) for c in calls for d in _round_ids(c)]
            wanted += [(self.calls_url(), _text(r.get("DiarienummerUtlysning")), calls)
                       for r in rounds]
            for base, dnr, into in wanted:
                if not dnr or dnr in have or base + dnr in tried:
                    continue
                tried.add(base + dnr)
                if len(tried) > self.option("max_lookups"):
                    notes.append(f"{base}{dnr}: not read (max_lookups "
                                 f"{self.option('max_lookups')})")
                    continue
                try:
                    response = await http.get(base + quote(dnr, safe="-"))
                    into.extend(self.records(response.content, response.url))
                except SourceError as exc:
                    notes.append(str(exc))
        return notes

    def records(self, body: bytes, url: str) -> list[dict[str, Any]]:
        data = self.parse_json(body, url)
        if not isinstance(data, (list, dict)):
            raise self.parse_error("expected a list of records", url)
        return _records(data)

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        """One saved answer: a list of calls, or a list of rounds (``sources test``)."""
        records = self.records(body, url)
        rounds = [r for r in records if _is_round(r)]
        return self.join([r for r in records if not _is_round(r)], rounds, [])

    def join(self, calls: list[dict[str, Any]], rounds: list[dict[str, Any]],
             notes: list[str]) -> list[Item]:
        by_call: dict[str, list[dict[str, Any]]] = {}
        for round_ in rounds:
            by_call.setdefault(_text(round_.get("DiarienummerUtlysning")), []).append(round_)
        by_id = {_text(r.get("Diarienummer")): r for r in rounds}
        items, seen = [], set()
        for call in calls:
            dnr = _text(call.get("Diarienummer"))
            if not dnr or dnr in seen:
                continue
            seen.add(dnr)
            own = [by_id[i] for i in _round_ids(call) if i in by_id]
            own += [r for r in by_call.get(dnr, []) if r not in own]
            item = self.item(call, own)
            if item is not None:
                items.append(item)
        for dnr, orphans in by_call.items():  # rounds whose call could not be read
            if dnr not in seen:
                item = self.item({"Diarienummer": dnr or _text(orphans[0].get("Diarienummer"))},
                                 orphans)
                if item is not None:
                    items.append(item)
        if notes:
            for item in items:
                item.extra["lookup_errors"] = notes
        return items

    def item(self, call: dict[str, Any], rounds: list[dict[str, Any]]) -> Item | None:
        native_id = _text(call.get("Diarienummer"))
        public = [r for r in rounds if _public(r)]
        if not native_id or not _public(call) or (rounds and not public):
            return None  # by invitation only
        first = public[0] if public else {}
        title = _text(call.get("Titel")) or _text(call.get("TitelEngelska")) or \
            _text(first.get("Titel")) or _text(first.get("TitelEngelska"))
        if not title:
            return None
        tz = self.settings.tz
        windows = public or [call]  # an older answer may carry the dates on the call itself
        deadlines = sorted({d for d in (local_datetime(r.get("Stangningsdatum"), tz)
                                        for r in windows) if d})
        openings = [o for o in (local_datetime(r.get("Oppningsdatum"), tz) for r in windows)
                    if o]
        website = next((u for u in (_http_url(r.get("Webbsida")) for r in [call, *public]) if u),
                       "")
        links = [link for r in [call, *public] for link in _links(r)]
        extra: dict[str, Any] = {"diarienummer": native_id}
        extra.update({k: v for k, v in {
            "title_en": _text(call.get("TitelEngelska")),
            "programme_number": _text(call.get("DiarienummerProgram")),
            "links": links,
            "rounds": [{k: v for k, v in {
                "id": _text(r.get("Diarienummer")), "title": _text(r.get("Titel")),
                "opens": _text(r.get("Oppningsdatum")),
                "closes": _text(r.get("Stangningsdatum")),
                "decision": _text(r.get("UppskattatBeslutsdatum"))}.items() if v}
                for r in public],
        }.items() if v})
        summary = html_to_text(str(call.get("Beskrivning") or first.get("Beskrivning") or ""))
        return Item(source=self.name, native_id=native_id, kind=CALL, title=title,
                    url=website or SEARCH + quote(native_id, errors="replace"),
                    summary=summary, programme="Vinnova", language="sv",
                    published=local_datetime(call.get("Publiceringsdatum"), tz),
                    opens=opening_for(openings, deadlines, self.now) if openings else None,
                    deadlines=deadlines,
                    raw={**_without_personal(call),
                         "rounds": [_without_personal(r) for r in public]},
                    extra=extra)
