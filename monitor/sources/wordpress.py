"""Generic WordPress sites, through the standard REST API (``/wp-json/wp/v2/...``)."""

from __future__ import annotations

from datetime import timezone
from typing import Any

from monitor.config.settings import Key
from monitor.http.fetch import Response
from monitor.model import Item, html_to_text
from monitor.sources._shared import ITEM_OPTIONS, TextItemSource, local_datetime
from monitor.sources.base import Request

SUMMARY_CHARS = 4000  # enough for matchers and full-text search, not a whole page archive


def _ids(value: list) -> str | None:
    ok = all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    return None if ok else "must be a list of category ids (whole numbers)"


class WordPressSource(TextItemSource):
    """A WordPress site's posts or pages through its REST API; one item per post.

    ``url`` is the collection endpoint, e.g. ``https://example.se/wp-json/wp/v2/posts``
    (or ``/pages``, or a custom post type). Every page is read (``per_page`` posts each,
    following the ``X-WP-TotalPages`` header, at most ``max_pages`` from settings). Title,
    link, text (``content.rendered``, else the excerpt) and the publication date are read;
    with ``find_dates`` the deadlines and openings in the text too, with the text kept.

    Keys: ``search`` (WordPress full-text search term), ``categories`` (list of category
    ids), ``per_page`` (1-100, default 50), and the common ``item_kind``, ``programme``,
    ``language``, ``include``, ``find_dates``.

    Example::

        [[source]]
        name = "esf-news"
        kind = "wordpress"
        url = "https://www.esf.se/wp-json/wp/v2/posts"
        search = "utlysning"
    """

    kind = "wordpress"
    options = {
        **ITEM_OPTIONS,
        "search": Key(str, "", doc="WordPress search term"),
        "categories": Key(list, list, _ids, doc="category ids"),
        "per_page": Key(int, 50, lambda v: None if 1 <= v <= 100 else "must be 1 to 100"),
    }

    def params(self, page: int) -> dict[str, Any]:
        params: dict[str, Any] = {"per_page": self.option("per_page"), "page": page}
        if self.option("search"):
            params["search"] = self.option("search")
        if self.option("categories"):
            params["categories"] = ",".join(str(c) for c in self.option("categories"))
        return params

    def request(self) -> Request:
        return self.collection(self.url)

    def collection(self, url: str) -> Request:
        """The first page of one REST collection (``/pages``, ``/posts`` …)."""
        return Request(url, params=self.params(1))

    def next_request(self, request: Request, response: Response | None) -> Request | None:
        """The next page while the answer says there is one (``X-WP-TotalPages``, else a
        full page), at most ``max_pages`` from settings."""
        if request.page + 1 >= self.settings.http.max_pages:
            return None
        following = request.following(params=self.params(request.page + 2))
        if response is None:
            return following
        posts = self.posts(response.content, response.url)
        total = response.headers.get("x-wp-totalpages", "")
        more = bool(posts) and (request.page + 1 < int(total) if total.isdigit() else
                                len(posts) >= self.option("per_page"))
        return following if more else None

    def parse(self, body: bytes, *, url: str, content_type: str = "") -> list[Item]:
        return self.items_from_posts(self.posts(body, url), url)

    def posts(self, body: bytes, url: str) -> list[dict[str, Any]]:
        """The posts of one API answer: a list, or one post object (a single post's URL)."""
        data = self.parse_json(body, url, expected="WordPress REST JSON")
        if isinstance(data, dict) and "id" in data:
            data = [data]
        if isinstance(data, dict) and "code" in data:
            raise self.parse_error(f"WordPress error {data.get('code')}: "
                                   f"{data.get('message', '')}", url)
        if not isinstance(data, list):
            raise self.parse_error("not a WordPress REST answer (expected a list of posts)",
                                   url)
        return [p for p in data if isinstance(p, dict)]

    def items_from_posts(self, posts: list[dict[str, Any]], url: str) -> list[Item]:
        items = []
        for post in posts:
            item = self.item_from_post(post)
            if item is not None:
                items.append(item)
        return items

    def item_from_post(self, post: dict[str, Any]) -> Item | None:
        if post.get("id") is None or not post.get("link"):
            return None
        title = html_to_text(_rendered(post.get("title")))
        content = html_to_text(_rendered(post.get("content")))
        excerpt = html_to_text(_rendered(post.get("excerpt")))
        published = local_datetime(post.get("date_gmt"), timezone.utc) or local_datetime(
            post.get("date"), self.settings.tz)
        item = Item(source=self.name, native_id=str(post["id"]), kind=self.items_kind(),
                    title=title, url=str(post["link"]),
                    summary=(content or excerpt)[:SUMMARY_CHARS], published=published,
                    raw={k: post.get(k) for k in ("id", "date", "modified", "slug", "link", "type")},
                    extra={k: v for k, v in {"slug": post.get("slug")}.items() if v})
        # A page is kept up to date in place, a post (news) speaks of the day it was written.
        modified = local_datetime(post.get("modified_gmt"), timezone.utc) or local_datetime(
            post.get("modified"), self.settings.tz)
        anchor = (modified or published) if post.get("type") == "page" else published
        return self.finish(item, f"{title}\n{content or excerpt}", anchor)


def _rendered(value: Any) -> str:
    """WordPress wraps text as ``{"rendered": ...}``; tolerate a bare string."""
    if isinstance(value, dict):
        return str(value.get("rendered") or "")
    return str(value or "")
