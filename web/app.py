"""The Crash-Stats web site: every page, its JSON/CSV twins, the API (web.api), the people and
admin pages (web.account_pages, web.admin), static files, and the collector's ``POST /submit``
(merged in), as one Bottle app; web.auth.AuthMiddleware finds each request's viewer.

:func:`make_app` builds it (``web.wsgi:application`` for gunicorn, ``crashstats serve``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import bottle

from pyapp.config import Config, load_config
from web import account_pages, admin, api, crash, health, links, pages, search, signature, symbols
from web.auth import AuthMiddleware
from web.framework import FormatSuffix, error_page, serve
from web.site import STATIC, Site
from web.status import server_status

log = logging.getLogger(__name__)

#: (method, path, handler, forced format) of every page
ROUTES: list[tuple[str, str, Callable[..., Any], str | None]] = [
    ("GET", "/home/products/<product>", pages.home, None),
    ("GET", "/home/products/<product>/versions/<versions>", pages.home, None),
    ("GET", "/topcrasher/products/<product>/versions/<version>", pages.topcrasher, None),
    ("GET", "/topcrasher/products/<product>/versions/<version>/<rest:path>", pages.topcrasher, None),
    ("GET", "/daily", pages.daily, None),
    ("GET", "/report/list", signature.report, None),
    ("GET", "/report/index/<crash_id>", crash.crash, None),
    ("GET", "/rawdumps/<name>", crash.rawdump, None),
    ("GET", "/exploitability", pages.exploitability, None),
    ("GET", "/exploitability/", pages.exploitability, None),
    ("GET", "/gccrashes/products/<product>", pages.gccrashes, None),
    ("GET", "/gccrashes/products/<product>/versions/<version>", pages.gccrashes, None),
    ("GET", "/explosive", pages.explosive, None),
    ("GET", "/explosive/", pages.explosive, None),
    ("GET", "/topcrasher_ranks_bybug", pages.ranks_by_bug, None),
    ("GET", "/topcrasher_ranks_bybug/", pages.ranks_by_bug, None),
    ("GET", "/crontabber-state", pages.crontabber_state, None),
    ("GET", "/crontabber-state/", pages.crontabber_state, None),
    ("GET", "/status", server_status, None),
    ("GET", "/status/", server_status, None),
    ("GET", "/search", search.page, None),
    ("GET", "/search/", search.page, None),
]
# /api/SuperSearch/ and the other API endpoints are declared in web.api (parameters, OpenAPI,
# rate limits); the people and admin pages are in web.account_pages and web.admin.


def make_app(config: Config | None = None, *, with_collector: bool = True) -> Callable[..., Any]:
    """The whole site as a WSGI application (the collector included unless told otherwise)."""
    config = config or load_config()
    site = Site(config)
    app = bottle.Bottle()
    app.config["crashstats.site"] = site

    def forced(fmt: str | None, callback: Callable[..., Any]) -> Callable[..., Any]:
        if fmt is None:
            return callback

        def with_format(**kwargs: Any) -> Any:
            bottle.request.environ["crashstats.format"] = fmt
            return callback(**kwargs)

        return with_format

    for method, path, handler, fmt in ROUTES:
        app.route(path, method, forced(fmt, serve(site, handler)))
    account_pages.install(app, site)
    admin.install(app, site)
    api.install(app, site)

    # symbols (issue 10): the symbol server, uploads, missing symbols
    symbols.register(app, site, serve)

    @app.get("/")
    def root() -> None:
        bottle.redirect(links.home_url(site.default_product), 302)

    @app.get("/home")
    def home_default() -> None:
        bottle.redirect(links.home_url(site.default_product), 302)

    @app.get("/static/<path:path>")
    def static(path: str) -> Any:
        response = bottle.static_file(path, root=str(STATIC))
        response.set_header("Cache-Control", "public, max-age=3600")
        return response

    for status, title in ((404, "Not found"), (405, "Method not allowed"), (500, "Server error")):

        def handler(error: bottle.HTTPError, status: int = status, title: str = title) -> bytes:
            if status == 500:
                log.error("server error on %s: %s", bottle.request.path, error.exception or error.body)
            message = {404: "There is no page here.", 405: "This page does not take that method."}.get(
                status, "Something went wrong on our side; the error is logged."
            )
            return error_page(site, None, status, title, message)

        app.error(status)(handler)

    if with_collector:
        from web.collector import make_collector_app

        app.merge(make_collector_app(config))
    # after the collector's routes: the site's heartbeat checks memcached too
    health.register(app, health.Health(config, lambda: site.db))
    return FormatSuffix(AuthMiddleware(app, site), site)
