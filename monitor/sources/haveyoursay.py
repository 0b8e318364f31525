"""The Commission's "Have your say": consultations and calls for evidence (brpapi JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.config.settings import Key
from monitor.http.fetch import Response
from monitor.model import CLOSED, FORTHCOMING, LEGISLATION, OPEN, Item
from monitor.sources.base import Request, Source

PAGE = "https://ec.europa.eu/info/law/better-regulation/have-your-say/initiatives"
BRUSSELS = ZoneInfo("Europe/Brussels")


def brp_date(value: Any) -> datetime | None:
    """``2026/09/28 23:59:59`` (Brussels time), also with dashes or without the time."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("-", "/").replace("T", " ")
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return datetime.strptime(text[:19], fmt).replace(tzinfo=BRUSSELS)
        except ValueError:
            pass
    return None


def initiative_id(value: Any) -> str | None:
    """The id, which may arrive as a float (``18805.0``) or a string."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value).strip() or None
    return str(int(number)) if number.is_integer() else str(value)


#: ``receivingFeedbackStatus`` → the item's status; DISABLED: no feedback is taken
FEEDBACK = {"OPEN": OPEN, "UPCOMING": FORTHCOMING, "CLOSED": CLOSED, "DISABLED": CLOSED}


def current_status(statuses: list[dict[str, Any]]) -> dict[str, Any]:
    """The entry the portal marks ``isCurrent``; without that flag (older answers) the
    window that is open, else the last one with a feedback window."""
    flagged = [s for s in statuses if s.get("isCurrent") is True]
    if flagged:
        return flagged[0]
    windows = [s for s in statuses if s.get("feedbackEndDate")] or statuses
    return next((s for s in windows if s.get("receivingFeedbackStatus") == "OPEN"),
                windows[-1] if windows else {})


def dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list; a number or text where the list belongs has none."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class HaveYourSaySource(Source):
    """The Commission's "Have your say" portal: initiatives open for feedback.

    Reads ``brpapi/searchInitiatives`` page by page (``page_size`` at most 100; the number of
    pages follows the size asked) and accepts both response shapes the API has used
    (``initiativeResultDtoPage`` and the older ``_embedded``). Each initiative becomes a
    legislation item: its short title, the feedback window's end as deadline and start as
    opening, act type, stage and topics. The window is the ``currentStatuses`` entry marked
    ``isCurrent`` (else the open one, else the last); its ``receivingFeedbackStatus`` gives
    the status: OPEN open, UPCOMING forthcoming, CLOSED and DISABLED closed.
    Put filters in ``url`` (the shipped one asks for ``feedbackStatus=OPEN``).
    """

    kind = "haveyoursay"
    item_kind = LEGISLATION
    options = {
        "page_size": Key(int, 100, lambda v: None if 1 <= v <= 100 else "must be 1 to 100"),
    }

    def request(self) -> Request:
        return Request(self.url, params={"page": 0, "size": self.option("page_size")})

    def next_request(self, request: Request, response: Response | None) -> Request | None:
        """The next page while the answer's total says there is one, at most ``max_pages``
        from settings."""
        if request.page + 1 >= self.settings.http.max_pages:
            return None
        following = request.following(params={"page": request.page + 1,
                                               "size": self.option("page_size")})
        if response is None:
            return following
        rows, pages = self.envelope(response.content, response.url)
        return following if rows and pages is not None and request.page + 1 < pages else None

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        return self.items_from_rows(self.envelope(body, url)[0])

    def envelope(self, body: bytes, url: str) -> tuple[list[dict[str, Any]], int | None]:
        """Rows and total pages from either response shape."""
        data = self.parse_json(body, url)
        if not isinstance(data, dict):
            raise self.parse_error("not a searchInitiatives response (not an object)", url)
        if isinstance(data.get("initiativeResultDtoPage"), dict):
            page = data["initiativeResultDtoPage"]
            rows, pages = page.get("content"), page.get("totalPages")
        elif isinstance(data.get("_embedded"), dict) or "page" in data:
            rows = (data.get("_embedded") or {}).get("initiativeResultDtoes", [])
            pages = (data.get("page") or {}).get("totalPages")
        else:
            raise self.parse_error("not a searchInitiatives response (neither "
                                   "'initiativeResultDtoPage' nor '_embedded')", url)
        if not isinstance(rows, list):
            raise self.parse_error("the initiatives are not a list", url)
        return [r for r in rows if isinstance(r, dict)], pages if isinstance(pages, int) else None

    def items_from_rows(self, rows: list[dict[str, Any]]) -> list[Item]:
        return [item for item in map(self.item_from_row, rows) if item is not None]

    def item_from_row(self, row: dict[str, Any]) -> Item | None:
        native_id = initiative_id(row.get("id"))
        title = str(row.get("shortTitle") or row.get("title") or "").strip()
        if not native_id or not title:
            return None
        current = current_status(dicts(row.get("currentStatuses")))
        deadline = brp_date(current.get("feedbackEndDate"))
        feedback = str(current.get("receivingFeedbackStatus") or "").upper() or None
        topics = [str(t.get("label") or t.get("code")) for t in dicts(row.get("topics"))
                  if t.get("label") or t.get("code")]
        extra = {k: v for k, v in {
            "reference": row.get("reference"), "act_type": row.get("foreseenActType"),
            "initiative_status": row.get("initiativeStatus"),
            "stage": current.get("frontEndStage"), "feedback_status": feedback,
            "topics": topics,
        }.items() if v}
        opens = brp_date(current.get("feedbackStartDate"))
        # The day feedback opened is when the initiative was put before the public.
        return Item(source=self.name, native_id=native_id, kind=LEGISLATION, title=title,
                    url=f"{PAGE}/{native_id}", language="en", status=FEEDBACK.get(feedback or ""),
                    opens=opens, published=opens,
                    deadlines=[deadline] if deadline else [], raw=row, extra=extra)
