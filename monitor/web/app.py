"""The Starlette application: routes, read connections opened at start, safety headers.

Read-only: every route is GET (HEAD) only, so Starlette answers any other method with 405.
Pages are Jinja2 templates with autoescaping on; the Content-Security-Policy allows no script
at all and styles only from the page's own ``/static``. The store is opened the way the CLI
opens it (WAL mode, busy timeout), one connection per worker thread, taken from connections
opened at start (opening one checks the schema under the write lock), so pages read while
``monitor serve`` writes.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import Any, AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from monitor.config.settings import Config
from monitor.store.database import Store
from monitor.text.i18n import t
from monitor.web import api, feeds, pages
from monitor.web.context import HERE, SECURITY_HEADERS, SecurityHeaders, WebContext

__all__ = ["create_app"]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _lifespan(web: WebContext) -> Callable[[Starlette], Any]:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        web.close()
    return lifespan


def create_app(config: Config, db_path: Path, *, clock: Callable[[], datetime],
               open_store: Callable[[Path], Store]) -> Starlette:
    """The whole site for ``config`` reading the database at ``db_path``; ``clock()`` is
    asked for the time once per request (the command line's clock, or a pinned one), and
    ``open_store(path)`` opens a connection with every feature's tables (``monitor.app``'s)."""
    web = WebContext(config, db_path, clock, open_store)
    web.open_stores()

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        lang = web.safe_lang(request)
        if status == 404 and getattr(exc, "detail", "") in ("", "Not Found"):
            message = t("web.not_found", lang, path=request.url.path)
        elif status == 405:
            message = t("web.method", lang, method=request.method)
        elif status >= 500:
            message = t("web.server_error", lang)
        else:
            message = str(getattr(exc, "detail", ""))
        headers = dict(getattr(exc, "headers", None) or {})
        if _wants_json(request):
            return JSONResponse({"error": message, "status": status}, status_code=status,
                                headers=headers)
        response = web.render(request, "error.html", status, lang=lang, code=status,
                              message=message)
        if status >= 500:  # answered outside the middleware (Starlette's error handler)
            headers.update((k.decode(), v.decode()) for k, v in SECURITY_HEADERS)
        response.headers.update(headers)
        return response

    routes = [*pages.routes(web), *feeds.routes(web), *api.routes(web),
              Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static")]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={HTTPException: http_error, Exception: http_error},
                    lifespan=_lifespan(web))
    app.state.web = web
    return app
