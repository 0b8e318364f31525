"""The JSON API: exactly the objects ``monitor calls|legislation|show --format json`` print.

``/api/calls`` and ``/api/legislation`` take the pages' filters (``committee``, ``status``,
``all``, ``source``, ``programme``, ``closing_within``, ``q``, ``priority``, ``limit``) and
return a JSON list: the first ``limit`` objects (default 100, at most 10,000), as the CLI with
``--limit`` prints them; the header ``X-Limit`` says which limit applied and ``X-More`` whether
more objects matched (``true``: ask again with a higher ``limit``), so a client that reads only
the default never misses items without being told. ``/api/calls/{id}``
returns one object (404 when unknown). Errors are ``{"error": ..., "status": ...}``.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor.model import CALL, LEGISLATION
from monitor.store.listing import item_json, public_row
from monitor.text.i18n import t
from monitor.web.context import Listing, WebContext, bound
from monitor.web.params import check_params

__all__ = ["routes", "json_response"]


DEFAULT_LIMIT = 100  # a whole 100,000-item store's listing is megabytes: ask for it


def json_response(data: Any, headers: dict[str, str] | None = None) -> Response:
    """JSON as the CLI writes it (``default=str``, UTF-8 kept)."""
    body = json.dumps(data, ensure_ascii=False, default=str)
    return Response(body, media_type="application/json; charset=utf-8", headers=headers)


def api_calls(web: WebContext, request: Request) -> Response:
    return _listing(web.listing(request, CALL, DEFAULT_LIMIT))


def api_legislation(web: WebContext, request: Request) -> Response:
    return _listing(web.listing(request, LEGISLATION, DEFAULT_LIMIT))


def _listing(listing: Listing) -> Response:
    """The listing's objects, saying which limit applied and whether more matched."""
    return json_response([public_row(r) for r in listing.rows],
                         {"x-limit": str(listing.limit),
                          "x-more": "true" if listing.more else "false"})


def api_item(web: WebContext, request: Request) -> Response:
    lang = web.lang(request)
    check_params(request.query_params, ("lang",), lang)
    item_id = request.path_params["item_id"]
    row = web.store.get_item(item_id)
    if row is None:
        raise HTTPException(404, t("web.unknown_item", lang, id=item_id))
    return json_response(item_json(web.store, row, lang=lang, tz=web.tz, now=web.clock()))


def routes(web: WebContext) -> list[Route]:
    bind = partial(bound, web)
    return [Route("/api/calls", bind(api_calls), methods=["GET"]),
            Route("/api/legislation", bind(api_legislation), methods=["GET"]),
            Route("/api/calls/{item_id:path}", bind(api_item), methods=["GET"])]
