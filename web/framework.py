"""How a page is served: parse and check its filters, read its views, redact, render HTML, JSON
or CSV, cache, and turn every expected failure into a page that says what happened.

A page handler takes a :class:`Ctx` and returns a :class:`Page` (template, data, CSV table);
it never renders. :func:`serve` does the rest for every page the same way:

* the format comes from a ``.json`` / ``.csv`` suffix of the path (:class:`FormatSuffix`) or
  ``?format=``; a page without a table has no CSV (400);
* the answer is looked up in memcached under (generation, viewer class, path, query, format);
  ``X-Cache: HIT|MISS`` says which;
* the page's data goes through :func:`web.redact.redact` for the viewer before any rendering;
* :class:`BadRequest` -> 400 naming the bad filter, :class:`Forbidden` -> 403 naming the
  permission, :class:`NotFoundPage` -> 404, :class:`GonePage` -> 410, a query cancelled by the
  statement timeout -> 503 with the page's filters and narrower links, the database away -> 503.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, LiteralString
from urllib.parse import urlencode

import bottle

from pyapp import errors
from pyapp.csvcells import neutralise_formula
from web import links
from web.redact import redact
from web.site import Site
from web.viewer import Viewer, viewer_for

log = logging.getLogger(__name__)

FORMATS = ("html", "json", "csv")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}


class PageError(Exception):
    status = 500
    title = "Error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class BadRequest(PageError):
    status = 400
    title = "Bad request"


class Forbidden(PageError):
    status = 403
    title = "Permission needed"


class NotFoundPage(PageError):
    status = 404
    title = "Not found"


class GonePage(PageError):
    status = 410
    title = "Gone"


@dataclass
class Page:
    """What a handler returns: the template and its data (also the JSON answer)."""

    template: str
    title: str
    data: dict[str, Any]
    #: the CSV table: (key of the row list in data, columns)
    csv: tuple[str, list[str]] | None = None
    status: int = 200
    #: cache this answer (only 200 answers are cached)
    cache: bool = True
    #: "report" (kept CRASHSTATS_CACHE_TTL) or "live" (CRASHSTATS_CACHE_LIVE_TTL)
    kind: str = "report"
    headers: dict[str, str] = field(default_factory=dict)
    #: answer only this key of the (redacted) data: a raw crash is redacted under "raw_crash"
    #: and answered as the document itself (the API's RawCrash / ProcessedCrash)
    unwrap: str | None = None


@dataclass
class Ctx:
    """One request as a handler sees it: the site, the viewer, the query and the filters."""

    site: Site
    viewer: Viewer
    fmt: str
    path: str
    query: bottle.FormsDict
    #: the filters in effect (shown on error and timeout pages, with narrower links)
    filters: dict[str, Any] = field(default_factory=dict)
    #: narrower versions of this page, for the timeout page: (label, link)
    narrower: list[tuple[str, str]] = field(default_factory=list)

    def rows(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        return self.site.rows(query, **params)

    def one(self, query: LiteralString, **params: Any) -> dict[str, Any] | None:
        return self.site.one(query, **params)

    def value(self, query: LiteralString, **params: Any) -> Any:
        return self.site.value(query, **params)

    # --- filters ------------------------------------------------------------------------

    def arg(self, name: str, default: str | None = None) -> str | None:
        value = self.query.getunicode(name)
        return default if value is None or value == "" else value

    def args(self, name: str) -> list[str]:
        return [v for v in self.query.getall(name) if v != ""]

    def choice(self, name: str, choices: Iterable[Any], default: Any, value: Any = None) -> Any:
        raw = value if value is not None else self.arg(name)
        allowed = list(choices)
        if raw is None:
            self.filters[name] = default
            return default
        for option in allowed:
            if str(option) == str(raw):
                self.filters[name] = option
                return option
        raise BadRequest(
            f"{name}={raw!s} is not allowed here; choose one of: {', '.join(str(c) for c in allowed)}"
        )

    def integer(self, name: str, default: int, *, low: int, high: int, value: Any = None) -> int:
        raw = value if value is not None else self.arg(name)
        if raw is None:
            self.filters[name] = default
            return default
        try:
            number = int(str(raw))
        except ValueError:
            raise BadRequest(f"{name}={raw!s} is not a whole number") from None
        if not low <= number <= high:
            raise BadRequest(f"{name}={number} is out of range: between {low} and {high}")
        self.filters[name] = number
        return number

    def date(self, name: str, default: dt.date) -> dt.date:
        raw = self.arg(name)
        if raw is None:
            self.filters[name] = default
            return default
        try:
            day = dt.date.fromisoformat(raw[:10]) if len(raw) >= 10 else dt.date.fromisoformat(raw)
        except ValueError:
            raise BadRequest(f"{name}={raw} is not a date: use YYYY-MM-DD") from None
        if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 1, 1):
            raise BadRequest(f"{name}={raw} is out of range")
        self.filters[name] = day
        return day

    def narrow(self, label: str, link: str) -> None:
        self.narrower.append((label, link))


# --- rendering ------------------------------------------------------------------------


def json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data: Any) -> bytes:
    return json.dumps(data, default=json_default, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return neutralise_formula(";".join(_cell(v) for v in value))
    if isinstance(value, dict):
        return json.dumps(value, default=json_default, ensure_ascii=False)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, str):
        return neutralise_formula(value)
    return str(value)


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue().encode("utf-8")


def render_html(site: Site, template: str, **context: Any) -> bytes:
    request = bottle.request
    query = request.query_string
    context.setdefault("json_link", links.twin(request.path, query, "json"))
    context.setdefault("csv_link", None)
    context.setdefault("products_nav", [])
    context.setdefault("viewer", viewer_for(request.environ))
    context.setdefault("replica_notice", site.replica_notice())
    return (
        site.templates.get_template(template)
        .render(default_product=site.default_product, **context)
        .encode("utf-8")
    )


def error_page(
    site: Site, ctx: Ctx | None, status: int, title: str, message: str, hint: str | None = None
) -> bytes:
    fmt = ctx.fmt if ctx else "html"
    if fmt != "html":
        bottle.response.content_type = CONTENT_TYPES["json"]
        return to_json(
            {"error": message, "hint": hint, "status": status, "filters": ctx.filters if ctx else {}}
        )
    bottle.response.content_type = CONTENT_TYPES["html"]
    try:
        return render_html(
            site,
            "error.html",
            title=title,
            status=status,
            message=message,
            hint=hint,
            filters=ctx.filters if ctx else {},
            narrower=ctx.narrower if ctx else [],
            json_link=None,
        )
    except Exception:  # the error page itself must not fail
        log.exception("cannot render the error page")
        return f"{status} {title}: {message}".encode()


#: longest query-string value a page or API parameter takes (longer ones are refused, 400)
MAX_PARAM_LENGTH = 10000
#: most parameters one request may carry
MAX_PARAMS = 200


def check_params(items: Iterable[tuple[str, str]], where: str = "parameter") -> None:
    """Refuse (400, naming it) a parameter no page can use: not UTF-8 (an invalid ``%xx``
    escape), holding NUL (``%00``, which PostgreSQL text cannot hold), or longer than
    :data:`MAX_PARAM_LENGTH`; and more than :data:`MAX_PARAMS` of them. ``items`` are Bottle's
    (key, value) pairs as parsed (latin-1 text of the bytes sent)."""
    for count, (key, value) in enumerate(items, 1):
        if count > MAX_PARAMS:
            raise BadRequest(f"more than {MAX_PARAMS} {where}s in one request")
        try:
            name = key.encode("latin-1").decode("utf-8")
            text = value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            shown = key.encode("latin-1", "replace").decode("utf-8", "replace")[:100]
            raise BadRequest(f"{where} {shown} is not valid UTF-8 (an invalid %-escape)") from None
        if "\x00" in name or "\x00" in text:
            raise BadRequest(f"{where} {name.replace(chr(0), '%00')[:100]} holds a NUL character (%00)")
        if len(text) > MAX_PARAM_LENGTH:
            raise BadRequest(f"{where} {name[:100]} is longer than {MAX_PARAM_LENGTH} characters")


def check_request(path_args: dict[str, Any] | None = None) -> None:
    """:func:`check_params` over everything a page reads of the request: its query string, its
    form fields (a urlencoded or multipart body of an unsafe method) and the values taken from
    its path (NUL). Every page, API endpoint, people and admin page calls it first."""
    request = bottle.request
    check_params(request.query.allitems())
    if request.method not in ("GET", "HEAD"):
        check_params(request.forms.allitems(), "form field")
    for name, value in (path_args or {}).items():
        if isinstance(value, str) and "\x00" in value:
            raise BadRequest(f"the {name} in the path holds a NUL character (%00)")
        if isinstance(value, str) and len(value) > MAX_PARAM_LENGTH:
            raise BadRequest(f"the {name} in the path is longer than {MAX_PARAM_LENGTH} characters")


def request_format() -> str:
    fmt = (
        bottle.request.environ.get("crashstats.format") or bottle.request.query.getunicode("format") or "html"
    )
    if fmt not in FORMATS:
        raise BadRequest(f"format={fmt} is not one of {', '.join(FORMATS)}")
    return fmt


def cache_request_key(fmt: str) -> str:
    request = bottle.request
    # ?format= picks the output format of a page, but is data for an API endpoint whose format
    # is forced (RawCrash's format=meta|raw): then it is part of the key
    forced = "crashstats.format" in request.environ
    query = sorted((k, v) for k, v in request.query.allitems() if forced or k != "format")
    return f"{request.method} {request.path}?{urlencode(query)} {fmt}"


Handler = Callable[..., Page]


def serve(site: Site, handler: Handler) -> Callable[..., Any]:
    """The Bottle callback of a page handler."""

    def callback(**kwargs: Any) -> Any:
        request = bottle.request
        response = bottle.response
        ctx: Ctx | None = None
        try:
            fmt = request_format()
            viewer = viewer_for(request.environ)
            ctx = Ctx(site, viewer, fmt, request.path, request.query)
            check_request(kwargs)
            generation = site.generation()
            key = site.cache.key(generation, viewer.cache_class, cache_request_key(fmt))
            cached = site.cache.get(key) if request.method == "GET" else None
            if cached is not None:
                content_type, _, body = cached.partition(b"\n")
                response.content_type = content_type.decode()
                response.set_header("X-Cache", "HIT")
                return body
            page = handler(ctx, **kwargs)
            data = redact(page.data, viewer, site.redaction_rules(generation))
            if page.unwrap is not None:
                data = data.get(page.unwrap)
            if fmt == "json":
                body = to_json(data)
            elif fmt == "csv":
                if page.csv is None:
                    raise BadRequest("this page has no CSV form; try .json")
                rows_key, columns = page.csv
                rows = data.get(rows_key) or []
                if data.get("partial"):  # a day not over: every row says so, with the as-of time
                    columns = [*columns, "partial", "as_of"]
                    rows = [{**r, "partial": "true", "as_of": data.get("as_of")} for r in rows]
                body = to_csv(rows, columns)
                response.set_header(
                    "Content-Disposition", f'inline; filename="{page.template.split(".")[0]}.csv"'
                )
            else:
                csv_link = links.twin(request.path, request.query_string, "csv") if page.csv else None
                body = render_html(
                    site,
                    page.template,
                    title=page.title,
                    data=data,
                    filters=ctx.filters,
                    viewer=viewer,
                    csv_link=csv_link,
                )
            response.status = page.status
            response.content_type = CONTENT_TYPES[fmt]
            for name, value in page.headers.items():
                response.set_header(name, value)
            response.set_header("X-Cache", "MISS")
            if page.status == 200 and page.cache and request.method == "GET":
                ttl = site.report_ttl if page.kind == "report" else site.live_ttl
                site.cache.set(key, CONTENT_TYPES[fmt].encode() + b"\n" + body, ttl)
            return body
        except PageError as exc:
            response.status = exc.status
            return error_page(site, ctx, exc.status, exc.title, exc.message, exc.hint)
        except errors.QueryTimeout:
            log.warning("query timeout on %s?%s", request.path, request.query_string)
            response.status = 503
            return error_page(
                site,
                ctx,
                503,
                "This query took too long",
                "The data for these filters took longer than the time a page may take. "
                "Narrow the filters: a shorter date range, one product or version, fewer results.",
            )
        except errors.DatabaseUnavailable as exc:
            log.error("database unavailable: %s", exc)
            response.status = 503
            return error_page(
                site, ctx, 503, "Database unavailable", "The database cannot be reached; try again soon."
            )
        except errors.DatabaseError as exc:
            if isinstance(exc, errors.InvalidInput) or (exc.sqlstate or "").startswith("22"):
                # a data exception (class 22): a value the query cannot take, e.g. a date out
                # of range or an unusable escape in a search term
                response.status = 400
                return error_page(site, ctx, 400, "Bad request", exc.message, exc.hint)
            if exc.sqlstate == "42501":
                response.status = 403
                return error_page(site, ctx, 403, "Permission needed", exc.message, exc.hint)
            raise

    return callback


class FormatSuffix:
    """WSGI middleware: ``/x.json`` and ``/x.csv`` become ``/x`` with the format noted, and
    hosts not in ALLOWED_HOSTS get 400 (Django's rule)."""

    SUFFIXES = (".json", ".csv")

    def __init__(self, app: Callable[..., Any], site: Site) -> None:
        self.app = app
        self.site = site

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if not self.site.host_allowed(host):
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Bad Request (the host name is not in ALLOWED_HOSTS)\n"]
        path = environ.get("PATH_INFO", "")
        if not path.startswith(("/static/", "/api/", "/submit")):
            for suffix in self.SUFFIXES:
                if path.endswith(suffix) and len(path) > len(suffix) + 1:
                    environ["PATH_INFO"] = path[: -len(suffix)]
                    environ["crashstats.format"] = suffix[1:]
                    break
        return self.app(environ, start_response)
