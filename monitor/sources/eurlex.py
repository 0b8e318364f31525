"""EUR-Lex RSS: EU legislation adopted and proposed."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from monitor.config.settings import Key
from monitor.model import LEGISLATION, Item
from monitor.sources._shared import ITEM_OPTIONS, URL_LIST
from monitor.sources.rss import RssSource

CELEX_RE = re.compile(r"CELEX(?::|%3A)+\s*([0-9][0-9A-Z()_.-]+)", re.I)
LANG_RE = re.compile(r"eur-lex\.europa\.eu/([A-Za-z]{2})/display-feed", re.I)

# The letters after sector and year in a CELEX number; sector 5 holds preparatory acts.
DOCUMENT_TYPES = {"L": "directive", "R": "regulation", "D": "decision", "H": "recommendation",
                  "PC": "proposal (COM)", "DC": "communication (COM)", "SC": "staff working "
                  "document", "JC": "joint communication", "AP": "initiative (EP)"}


def celex_type(celex: str) -> str | None:
    """``32026L1472`` → directive; ``52026PC0123`` → proposal (COM)."""
    match = re.match(r"^[0-9CE](\d{4})([A-Z]{1,2})", celex)
    return DOCUMENT_TYPES.get(match.group(2)) if match else None


class EurLexSource(RssSource):
    """EUR-Lex RSS lists (``display-feed.rss?rssId=N``): EU acts adopted and proposed.

    Each entry's CELEX number is taken from the title (``CELEX:32026L1472: Directive …``),
    or else from the link; it becomes the item id, the title loses the prefix, and the link
    is rebuilt as the act's page (``legal-content/<LANG>/TXT/?uri=CELEX:<n>``, language from
    the feed URL). Useful lists: 162 legislation of Parliament and Council, 161 Commission
    proposals, 163 preparatory acts, 222 Official Journal L series. Put further lists in
    ``extra_urls``. Items are legislation.
    """

    kind = "eurlex"
    item_kind = LEGISLATION
    options = {
        **ITEM_OPTIONS,
        "item_kind": Key(str, LEGISLATION, ITEM_OPTIONS["item_kind"].check),
        "find_dates": Key(bool, False, doc="acts carry no deadlines; off by default"),
        "extra_urls": URL_LIST,
    }

    def item_from_entry(self, entry: Any, base: str) -> Item | None:
        item = super().item_from_entry(entry, base)
        if item is None:
            return None
        raw_title = str(entry.get("title") or "")
        match = CELEX_RE.search(raw_title) or CELEX_RE.search(unquote(entry.get("link") or ""))
        if match is None:
            return item  # keep it under its guid: losing an act is worse than an odd id
        celex = match.group(1).rstrip(":")
        lang = LANG_RE.search(base)
        item.native_id = celex
        item.url = (f"https://eur-lex.europa.eu/legal-content/"
                    f"{(lang.group(1) if lang else 'EN').upper()}/TXT/?uri=CELEX:{celex}")
        item.title = re.sub(r"^\s*CELEX[:\s]*[0-9][0-9A-Z()_.-]*\s*:?\s*", "", item.title,
                            flags=re.I) or item.title
        # subject descriptors (EuroVoc) where the feed gives them as <category>: tagging hints
        subjects = [str(t.get("term")).strip() for t in entry.get("tags") or ()
                    if isinstance(t, dict) and t.get("term")]
        item.extra.update({k: v for k, v in {"celex": celex, "act_type": celex_type(celex),
                                             "feed": base, "subjects": subjects}.items() if v})
        return item
