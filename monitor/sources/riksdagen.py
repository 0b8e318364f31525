"""Riksdagen open data: bills, committee reports, SOU and Ds (``dokumentlista`` JSON)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..config import Key
from ..fetch import NotModified, SourceHTTP
from ..model import LEGISLATION, Item
from ._shared import local_date
from .base import Source

LABELS = {"prop": "Prop.", "bet": "Bet.", "sou": "SOU", "ds": "Ds", "mot": "Mot.",
          "dir": "Dir.", "skr": "Skr.", "rskr": "Rskr."}


def _doktyps(value: list) -> str | None:
    ok = value and all(isinstance(v, str) and v.isalpha() for v in value)
    return None if ok else "must be a non-empty list of document types, e.g. [\"prop\", \"sou\"]"


class RiksdagenSource(Source):
    """Riksdagen's document list (``data.riksdagen.se/dokumentlista``), newest first.

    For each type in ``doktyp`` (default bills ``prop``, committee reports ``bet``, ``sou``
    and ``ds``) reads ``pages`` pages (default 1, i.e. the newest ``sz`` documents; the URL
    sets ``sz``), following ``@nasta_sida``. Each document is a legislation item titled with
    its designation (``Prop. 2025/26:123 …``, ``SOU 2026:8 …``), dated, linked to its HTML
    text, with committee (``organ``) and status kept. All values in the data are strings; a
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

    async def fetch(self, http: SourceHTTP) -> list[Item]:
        items: list[Item] = []
        changed = False
        pages = min(self.option("pages"), self.settings.http.max_pages)
        for doktyp in self.option("doktyp"):
            # Newest first: an unchanged first page means nothing new of this type.
            response = await http.get(self.url, params={"doktyp": doktyp}, conditional=True)
            if response.not_modified:
                continue
            changed = True
            for page in range(pages):
                listing = self.listing(response.content, response.url)
                items += self.items_from_listing(listing)
                following = listing.get("@nasta_sida")
                if not following or page + 1 >= pages:
                    break
                response = await http.get(self._same_scheme(str(following)))
        if self.option("doktyp") and not changed:
            raise NotModified(self.url)
        return items

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
        designation = ""
        if doc.get("rm") and doc.get("beteckning"):
            designation = f"{LABELS.get(doktyp, doktyp.upper())} {doc['rm']}:{doc['beteckning']}"
        link = str(doc.get("dokument_url_html") or "")
        if link.startswith("//"):
            link = "https:" + link
        extra = {k: v for k, v in {"doktyp": doktyp, "designation": designation,
                                   "organ": doc.get("organ"), "rm": doc.get("rm"),
                                   "document_status": doc.get("status"),
                                   "document_name": doc.get("dokumentnamn")}.items() if v}
        return Item(source=self.name, native_id=dok_id, kind=LEGISLATION,
                    title=f"{designation} {titel}".strip(),
                    url=link or f"https://data.riksdagen.se/dokument/{dok_id}.html",
                    summary=str(doc.get("summary") or "").strip(), language="sv",
                    published=local_date(str(doc.get("datum") or ""), self.settings.tz), raw=doc, extra=extra)
