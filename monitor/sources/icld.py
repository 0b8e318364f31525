"""ICLD municipal partnerships: application windows and the always-open preparation phase."""

from __future__ import annotations

import re
from typing import Any

from monitor.model import OPEN, Item
from monitor.sources.pages import PageSource

# "Förberedelse kan alltid sökas", "förberedelsefas går när som helst under året att söka",
# "the preparation phase can be applied for at any time".
ANY_TIME_RE = re.compile(
    r"(förberedelse\w*|preparat\w+ (?:phase|visit)s?)[^.\n]{0,80}?"
    r"(när som helst|alltid|löpande|at any time|all year)", re.I)


class IcldSource(PageSource):
    """ICLD (Sida-funded municipal partnerships): the application windows and preparation.

    Reads the programme's pages (``url`` and ``pages``) like the ``page`` kind: windows such
    as "Från den 15 februari till den 15 mars" open at their start and close at their end,
    and a list like "sista ansökningsdag 15 februari samt 15 april" gives several deadlines;
    the next one decides the status. When a page says the preparation phase can be applied
    for at any time, a second item for it is made, always open and without deadline.
    """

    kind = "icld"

    def items_from_page(self, body: bytes, url: str, page: dict[str, Any],
                        headers: Any = None) -> list[Item]:
        items = super().items_from_page(body, url, page, headers)
        call = items[0]
        if call.programme and not page.get("title"):
            # The page is an FAQ or programme page; its own heading says little in a list.
            call.extra["page_title"] = call.title
            call.title = f"{call.programme}: ansökningsomgångar"
        match = ANY_TIME_RE.search(call.summary)
        if match:
            programme = call.programme or call.title
            items.append(Item(
                source=self.name, native_id=f"{call.native_id}#forberedelse", kind=call.kind,
                title=f"{programme}: förberedelse (kan sökas när som helst)",
                url=url, summary=call.summary, programme=call.programme,
                language=call.language, status=OPEN,
                extra={"evidence": match.group(0), "page_title": call.title}))
        return items
