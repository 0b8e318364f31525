"""Riksdagen open data: bills, committee reports, SOU and Ds (``dokumentlista`` JSON)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from monitor.config.settings import Key
from monitor.http.fetch import Response
from monitor.model import LEGISLATION, Item
from monitor.sources._shared import local_date, parseable_url
from monitor.sources.base import Request, Source

LABELS = {"prop": "Prop.", "bet": "Bet.", "sou": "SOU", "ds": "Ds", "mot": "Mot.",
          "dir": "Dir.", "skr": "Skr.", "rskr": "Rskr.", "sfs": "SFS"}
# The path riksdagen.se files each document type under, for the page a person reads [inf:
# links seen in public pages, e.g. /dokument/svensk-forfattningssamling/skollag-2010800_sfs-
# 2010-800/]; the slug before "_" is the title's first words.
HUMAN_TYPES = {"prop": "proposition", "bet": "betankande", "sou": "statens-offentliga-utredningar",
               "ds": "departementsserien", "mot": "motion", "dir": "kommittedirektiv",
               "skr": "skrivelse", "rskr": "riksdagsskrivelse",
               "sfs": "svensk-forfattningssamling"}
HUMAN_BASE = "https://www.riksdagen.se/sv/dokument-och-lagar/dokument"
SLUG_CHARS = 45


def designation(doktyp: str, rm: str, beteckning: str) -> str:
    """``Prop. 2025/26:123``; SFS's ``beteckning`` already starts with its year
    ("1895:bih. 52 s. 1"), so it is not doubled."""
    label = LABELS.get(doktyp, doktyp.upper())
    if not beteckning:
        return ""
    number = beteckning if not rm or beteckning.startswith(f"{rm}:") else f"{rm}:{beteckning}"
    return f"{label} {number}"


def encoded(url: str) -> str:
    """A link without raw spaces or other characters a mail client breaks on."""
    parts = urlsplit(parseable_url(url))
    return urlunsplit(parts._replace(path=quote(parts.path, safe="/:@!$&'()*+,;=-._~%",
                                                errors="replace")))


def human_url(doktyp: str, dok_id: str, titel: str) -> str | None:
    """The document's page on riksdagen.se, for a type whose path is known."""
    kind = HUMAN_TYPES.get(doktyp)
    if not kind:
        return None
    words = re.sub(r"[^a-z0-9 -]", "", titel.casefold().translate(_ASCII)).split()
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > SLUG_CHARS:
            break
        slug = f"{slug}-{word}" if slug else word
    ident = quote(dok_id.casefold().replace(" ", ""), safe="-.", errors="replace")
    return f"{HUMAN_BASE}/{kind}/{slug or 'dokument'}_{ident}/"


_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "\n": " ",
                        "/": " ", "–": " "})


def _doktyps(value: list) -> str | None:
    ok = value and all(isinstance(v, str) and v.isalpha() for v in value)
    return None if ok else "must be a non-empty list of document types, e.g. [\"prop\", \"sou\"]"


class RiksdagenSource(Source):
    """Riksdagen's document list (``data.riksdagen.se/dokumentlista``), newest first.

    For each type in ``doktyp`` (default bills ``prop``, committee reports ``bet``, ``sou``
    and ``ds``) reads ``pages`` pages (default 1, i.e. the newest ``sz`` documents; the URL
    sets ``sz``), following ``@nasta_sida``. Each document is a legislation item titled with
    its designation (``Prop. 2025/26:123 …``, ``SOU 2026:8 …``; an SFS number once, not
    "1895:1895:…"), dated, linked to its page on riksdagen.se (the data API's HTML text is
    kept as ``data_url``, spaces encoded), with the responsible body (``organ``, e.g. "FiU",
    "Justitiedepartementet L2") and status kept for tagging. All values in the data are strings; a
    single hit may come as an object rather than a list.
    """

    kind = "riksdagen"
    item_kind = LEGISLATION
    options = {
        "doktyp": Key(list, lambda: ["prop", "bet", "sou", "ds"], _doktyps,
                      doc="document types"),
        "pages": Key(int, 1, lambda v: None if v >= 1 else "must be 1 or more",
                     doc="pages per document type and poll"),
    }

    def requests(self) -> list[Request]:
        """One listing per document type."""
        return [Request(self.url, params={"doktyp": doktyp}) for doktyp in self.option("doktyp")]

    def next_request(self, request: Request, response: Response | None) -> Request | None:
        """``@nasta_sida`` of the answer, up to ``pages``. Newest first: an unchanged first
        page means nothing new of this type, so a 304 ends the listing."""
        if response is None or request.page + 1 >= min(self.option("pages"),
                                                       self.settings.http.max_pages):
            return None
        following = self.listing(response.content, response.url).get("@nasta_sida")
        if not following:
            return None
        return request.following(url=self._same_scheme(str(following)), params=None,
                                 conditional=False)

    def _same_scheme(self, url: str) -> str:
        """``@nasta_sida`` says http://; keep the scheme of the configured URL."""
        parts = urlsplit(url)
        return urlunsplit((urlsplit(self.url).scheme, *parts[1:]))

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        return self.items_from_listing(self.listing(body, url))

    def listing(self, body: bytes, url: str) -> dict[str, Any]:
        data = self.parse_json(body, url)
        listing = data.get("dokumentlista") if isinstance(data, dict) else None
        if not isinstance(listing, dict):
            raise self.parse_error("not a Riksdagen dokumentlista (no 'dokumentlista')", url)
        return listing

    def items_from_listing(self, listing: dict[str, Any]) -> list[Item]:
        documents = listing.get("dokument") or []
        if isinstance(documents, dict):
            documents = [documents]
        if not isinstance(documents, list):  # a number or text where the list should be
            documents = []
        return [item for item in (self.item_from_document(d) for d in documents
                                  if isinstance(d, dict)) if item is not None]

    def item_from_document(self, doc: dict[str, Any]) -> Item | None:
        dok_id = str(doc.get("dok_id") or "").strip()
        titel = str(doc.get("titel") or "").strip()
        if not dok_id or not titel:
            return None
        doktyp = str(doc.get("doktyp") or doc.get("typ") or "").lower()
        named = designation(doktyp, str(doc.get("rm") or "").strip(),
                            str(doc.get("beteckning") or "").strip())
        data_link = str(doc.get("dokument_url_html") or "")
        if data_link.startswith("//"):
            data_link = "https:" + data_link
        data_link = encoded(data_link or f"https://data.riksdagen.se/dokument/{dok_id}.html")
        title = " ".join(titel.split())
        link = human_url(doktyp, dok_id, title) or data_link
        extra = {k: v for k, v in {"doktyp": doktyp, "designation": named,
                                   "data_url": data_link,
                                   "organ": doc.get("organ"), "rm": doc.get("rm"),
                                   "document_status": doc.get("status"),
                                   "document_name": doc.get("dokumentnamn")}.items() if v}
        if named and named.split(" ", 1)[1].replace(" ", "") in title.replace(" ", ""):
            named = ""  # "Lag (1898:64 s.10) om boskillnad" names itself; SFS titles do
        return Item(source=self.name, native_id=dok_id, kind=LEGISLATION,
                    title=f"{named} {title}".strip(), url=link,
                    summary=str(doc.get("summary") or "").strip(), language="sv",
                    published=local_date(str(doc.get("datum") or ""), self.settings.tz), raw=doc, extra=extra)
