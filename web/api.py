"""The public API under ``/api/``: every endpoint declared once (:data:`ENDPOINTS`: path,
method, parameters with types, permission), and from those declarations

* the parameter check (an unknown or malformed parameter -> 400 naming it),
* the OpenAPI 3 document at ``/api/openapi.json``, and the endpoint list page ``/api/``,
* the rate limit (``CRASHSTATS_API_RATE_ANONYMOUS`` = 10/min per address,
  ``CRASHSTATS_API_RATE_USER`` = 100/min per user; 429 with ``Retry-After``),
* the permission gate (write endpoints and private data), and CSRF for browser sessions.

Answers go through :func:`web.framework.serve` like every page (memcached per viewer class,
the one redaction function, JSON errors). Names follow crash-stats.mozilla.org's API where they
overlap (``SuperSearch``, ``RawCrash``, ``ProcessedCrash``, ``Reprocessing``, ...), so
crashstats-tools works unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import bottle

from pyapp import crashid
from pyapp.queries import QUERIES
from web import auth, crash, pages, search, signature
from web.framework import (
    CONTENT_TYPES,
    BadRequest,
    Ctx,
    Forbidden,
    GonePage,
    NotFoundPage,
    Page,
    PageError,
    check_params,
    render_html,
    serve,
    to_json,
)
from web.site import Site

log = logging.getLogger(__name__)

MAX_RESULTS = 1000


class TooManyRequests(PageError):
    status = 429
    title = "Too many requests"


@dataclass(frozen=True)
class Param:
    """One declared parameter."""

    name: str
    type: str = "string"  # string | integer | number | boolean | date | crash_id
    required: bool = False
    many: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    low: int | None = None
    high: int | None = None
    description: str = ""

    def convert(self, raw: str) -> Any:
        name = self.name
        if self.choices and raw not in self.choices:
            raise BadRequest(f"{name}={raw} is not allowed; choose one of: {', '.join(self.choices)}")
        if self.type == "integer":
            try:
                value: Any = int(raw)
            except ValueError:
                raise BadRequest(f"{name}={raw} is not a whole number") from None
            if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
                raise BadRequest(f"{name}={value} is out of range: between {self.low} and {self.high}")
            return value
        if self.type == "number":
            try:
                number = float(raw)
            except ValueError:
                raise BadRequest(f"{name}={raw} is not a number") from None
            if number != number or number in (float("inf"), float("-inf")):
                raise BadRequest(f"{name}={raw} is not a number")
            return number
        if self.type == "boolean":
            lowered = raw.lower()
            if lowered in ("true", "1", "yes"):
                return True
            if lowered in ("false", "0", "no"):
                return False
            raise BadRequest(f"{name}={raw} is not true or false")
        if self.type == "date":
            try:
                day = dt.date.fromisoformat(raw[:10])
            except ValueError:
                raise BadRequest(f"{name}={raw} is not a date: use YYYY-MM-DD") from None
            if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 1, 1):
                raise BadRequest(f"{name}={raw} is out of range")
            return day
        if self.type == "crash_id":
            text = crashid.strip_prefix(raw.strip()).split(":", 1)[0]
            if not crashid.is_crash_id(text):
                raise BadRequest(f"{name}={raw} is not a crash ID")
            return text.lower()
        if "\x00" in raw:
            raise BadRequest(f"{name} holds a NUL character")
        if len(raw) > 1000:
            raise BadRequest(f"{name} is longer than 1000 characters")
        return raw

    def schema(self) -> dict[str, Any]:
        base: dict[str, Any] = {
            "string": {"type": "string", "maxLength": 1000},
            "integer": {"type": "integer"},
            "number": {"type": "number"},
            "boolean": {"type": "boolean"},
            "date": {"type": "string", "format": "date"},
            "crash_id": {"type": "string", "pattern": "^(bp-)?[0-9a-fA-F-]{36}$"},
        }[self.type].copy()
        if self.choices:
            base = {"type": "string", "enum": list(self.choices)}
        if self.low is not None:
            base["minimum"] = self.low
        if self.high is not None:
            base["maximum"] = self.high
        if self.default is not None:
            base["default"] = self.default
        return {"type": "array", "items": base} if self.many else base


PAGING = (
    Param("_results_number", "integer", default=100, low=0, high=MAX_RESULTS, description="results per page"),
    Param("_results_offset", "integer", default=0, low=0, high=1000000, description="results to skip"),
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    method: str
    summary: str
    handler: Callable[..., Page]
    params: tuple[Param, ...] = ()
    #: every one of these is needed (a superuser holds all)
    permissions: tuple[str, ...] = ()
    #: parameters not declared are accepted (Super Search takes any field name)
    open_params: bool = False
    paginated: bool = False
    binary: bool = False
    extra_paths: tuple[str, ...] = field(default=())

    @property
    def all_params(self) -> tuple[Param, ...]:
        return self.params + (PAGING if self.paginated else ())


def parse(endpoint: Endpoint, query: bottle.FormsDict) -> dict[str, Any]:
    """The declared parameters of ``query``, converted; 400 naming any that does not fit."""
    declared = {p.name: p for p in endpoint.all_params}
    values: dict[str, Any] = {}
    for key in query.keys():  # noqa: SIM118 - FormsDict
        if key in ("format",) and endpoint.name not in ("RawCrash",):
            continue
        if key not in declared and not endpoint.open_params:
            raise BadRequest(
                f"unknown parameter: {key}",
                hint=f"{endpoint.name} takes: {', '.join(declared) or 'no parameters'}",
            )
    for param in endpoint.all_params:
        raw = [v for v in query.getall(param.name) if v != ""]
        if param.many:
            raw = (
                [part.strip() for v in raw for part in v.split(",") if part.strip()]
                if param.type in ("integer", "crash_id")
                else raw
            )
            values[param.name] = [param.convert(v) for v in raw]
            if param.required and not values[param.name]:
                raise BadRequest(f"{param.name} is required")
        elif raw:
            if len(raw) > 1:
                raise BadRequest(f"{param.name} is given {len(raw)} times; it takes one value")
            values[param.name] = param.convert(raw[0])
        elif param.required:
            raise BadRequest(f"{param.name} is required")
        else:
            values[param.name] = param.default
    return values


def request_params() -> bottle.FormsDict:
    request = bottle.request
    if request.method == "GET":
        return request.query
    merged = bottle.FormsDict()
    for key, value in request.query.allitems():
        merged.append(key, value)
    for key, value in request.forms.allitems():
        merged.append(key, value)
    return merged


def page_of(rows: list[Any], values: dict[str, Any]) -> dict[str, Any]:
    offset, number = values["_results_offset"], values["_results_number"]
    return {"hits": rows[offset : offset + number], "total": len(rows)}


def sub_ctx(ctx: Ctx, items: list[tuple[str, Any]]) -> Ctx:
    """A Ctx over a rewritten query (an API endpoint handing over to a page handler)."""
    query = bottle.FormsDict()
    for key, value in items:
        if value is None:
            continue
        query.append(key, str(value))
    return Ctx(ctx.site, ctx.viewer, "json", ctx.path, query, ctx.filters, ctx.narrower)


# --- handlers: each takes (ctx, values) and returns a Page ----------------------------------


def products(ctx: Ctx, v: dict[str, Any]) -> Page:
    rows = ctx.rows(
        QUERIES["api_product_versions"],
        products=v["product"] or None,
        version=None,
        featured=None,
        build_type=None,
    )
    hits: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        hits.setdefault(row["product"], []).append(
            {
                "product": row["product"],
                "version": row["version"],
                "start_date": row["start_date"],
                "end_date": row["end_date"],
                "throttle": row["throttle"],
                "featured": row["is_featured"],
                "release": row["build_type"],
                "has_builds": row["has_builds"],
            }
        )
    names = [r["product_name"] for r in ctx.rows(QUERIES["web_products"])]
    if v["product"]:
        names = [n for n in names if n in v["product"]]
    return Page("api.html", "Products", {"products": names, "hits": hits, "total": len(names)})


def product_versions(ctx: Ctx, v: dict[str, Any]) -> Page:
    rows = ctx.rows(
        QUERIES["api_product_versions"],
        products=v["product"] or None,
        version=v["version"],
        featured=v["is_featured"],
        build_type=v["build_type"],
    )
    return Page("api.html", "Product versions", page_of(rows, v))


def featured(ctx: Ctx, v: dict[str, Any]) -> Page:
    rows = ctx.rows(
        QUERIES["api_product_versions"],
        products=v["products"] or None,
        version=None,
        featured=True,
        build_type=None,
    )
    hits: dict[str, list[str]] = {}
    for row in rows:
        hits.setdefault(row["product"], []).append(row["version"])
    return Page("api.html", "Featured versions", {"hits": hits, "total": len(hits)})


def crashes_per_adi(ctx: Ctx, v: dict[str, Any]) -> Page:
    items: list[tuple[str, Any]] = [
        ("p", v["product"]),
        ("date_range_type", v["date_range_type"]),
        ("date_start", v["start_date"]),
        ("date_end", v["end_date"]),
    ]
    items += [("v", x) for x in v["versions"]] + [("os", x) for x in v["os"]]
    items += [("report_type", x) for x in v["report_type"]]
    return pages.daily(sub_ctx(ctx, items))


def tcbs(ctx: Ctx, v: dict[str, Any]) -> Page:
    rest = "/".join(
        f"{k}/{v[k]}" for k in ("date_range_type", "crash_type", "os_name", "result_count") if v[k]
    )
    sub = sub_ctx(ctx, [("days", v["days"]), ("end_date", v["end_date"])])
    return pages.topcrasher(sub, v["product"], v["version"], rest)


def signature_tab(tab: str) -> Callable[[Ctx, dict[str, Any]], Page]:
    def handler(ctx: Ctx, v: dict[str, Any]) -> Page:
        items = [
            ("signature", v["signature"]),
            ("product", v["product"]),
            ("version", v["version"]),
            ("date", v["date"]),
            ("range_value", v["range_value"]),
            ("tab", tab),
            ("page", v.get("page")),
        ]
        return signature.report(sub_ctx(ctx, items))

    return handler


def crash_row(ctx: Ctx, crash_id: str) -> dict[str, Any]:
    row = ctx.one(
        "SELECT state, crash_date, report, processed_crash, raw_crash"
        " FROM crash_report(%(id)s::uuid, %(weeks)s)",
        id=crash_id,
        weeks=ctx.site.config["CRASHSTATS_PARTITION_TRUNCATE_WEEKS"],
    )
    assert row is not None
    if row["state"] == "unknown":
        raise NotFoundPage(f"no crash {crash_id} here")
    if row["state"] == "expired":
        raise GonePage(f"crash {crash_id} is older than the data kept here")
    return row


def processed_crash(ctx: Ctx, v: dict[str, Any]) -> Page:
    row = crash_row(ctx, v["crash_id"])
    if row["state"] == "pending":
        request = ctx.value("SELECT request_priority_processing(%(id)s::uuid)", id=v["crash_id"])
        raise NotFoundPage(
            f"crash {v['crash_id']} is not processed yet (priority processing: {request})",
            hint="try again in a minute",
        )
    return Page(
        "api.html",
        "Processed crash",
        {"processed": row["processed_crash"] or {}},
        kind="live",
        unwrap="processed",
    )


def unredacted_crash(ctx: Ctx, v: dict[str, Any]) -> Page:
    return processed_crash(ctx, v)


def raw_crash(ctx: Ctx, v: dict[str, Any]) -> Page:
    fmt = v["format"] or "meta"
    if fmt == "raw":
        if not ctx.viewer.has_perm("view_rawdump"):
            raise Forbidden("raw dumps need the view_rawdump permission")
        from pyapp.dumpstore import MAIN_DUMP

        name = v["name"] or MAIN_DUMP
        if name in ("dump", MAIN_DUMP):
            return crash.rawdump(ctx, f"{v['crash_id']}.dmp")
        return crash.rawdump(ctx, f"{v['crash_id']}.{name}.dmp")
    row = crash_row(ctx, v["crash_id"])
    return Page(
        "api.html", "Raw crash", {"raw_crash": row["raw_crash"] or {}}, kind="live", unwrap="raw_crash"
    )


def supersearch(ctx: Ctx, v: dict[str, Any]) -> Page:
    return search.api(ctx)


def supersearch_fields(ctx: Ctx, v: dict[str, Any]) -> Page:
    return search.api_fields(ctx)


def bugs(ctx: Ctx, v: dict[str, Any]) -> Page:
    rows = ctx.rows(QUERIES["api_bugs_by_signatures"], signatures=v["signatures"])
    return Page("api.html", "Bugs", {"hits": rows, "total": len(rows)})


def signatures_by_bugs(ctx: Ctx, v: dict[str, Any]) -> Page:
    rows = ctx.rows(QUERIES["api_signatures_by_bugs"], bug_ids=v["bug_ids"])
    return Page("api.html", "Signatures by bugs", {"hits": rows, "total": len(rows)})


def adi(ctx: Ctx, v: dict[str, Any]) -> Page:
    if v["end_date"] < v["start_date"]:
        raise BadRequest("end_date is before start_date")
    if (v["end_date"] - v["start_date"]).days > 366:
        raise BadRequest("end_date - start_date is more than a year; ask for a shorter range")
    rows = ctx.rows(
        QUERIES["api_adi"],
        product=v["product"],
        versions=v["versions"],
        start=v["start_date"],
        end=v["end_date"],
        platforms=v["platforms"] or None,
    )
    return Page("api.html", "ADI", {"hits": rows, "total": len(rows)})


def platforms(ctx: Ctx, v: dict[str, Any]) -> Page:
    rows = ctx.rows(QUERIES["api_platforms"])
    return Page("api.html", "Platforms", {"hits": rows, "total": len(rows)})


def crontabber_state(ctx: Ctx, v: dict[str, Any]) -> Page:
    rows = ctx.rows(QUERIES["api_crontabber_state"])
    return Page("api.html", "Crontabber state", {"state": {r["app_name"]: r for r in rows}}, kind="live")


def server_status(ctx: Ctx, v: dict[str, Any]) -> Page:
    rows = ctx.rows(QUERIES["web_server_status"], limit=v["duration"])
    revision = ctx.value(QUERIES["alembic_revision"])
    return Page(
        "api.html",
        "Server status",
        {"hits": rows, "total": len(rows), "schema_revision": revision},
        kind="live",
    )


def reprocessing(ctx: Ctx, v: dict[str, Any]) -> Page:
    rows = ctx.rows("SELECT crash_id, status FROM queue_reprocessing(%(ids)s::uuid[])", ids=v["crash_ids"])
    missing = [str(r["crash_id"]) for r in rows if r["status"] != "queued"]
    return Page(
        "api.html",
        "Reprocessing",
        {"queued": len(rows) - len(missing), "missing": missing, "results": rows},
        cache=False,
    )


def priority_job(ctx: Ctx, v: dict[str, Any]) -> Page:
    results = {
        cid: ctx.value("SELECT request_priority_processing(%(id)s::uuid)", id=cid) for cid in v["crash_ids"]
    }
    return Page("api.html", "Priority jobs", {"results": results}, cache=False)


def skiplist(ctx: Ctx, v: dict[str, Any]) -> Page:
    rows = ctx.rows(QUERIES["api_skiplist"], category=v["category"])
    return Page("api.html", "Skip list", {"hits": rows, "total": len(rows)})


def admin_change(
    ctx: Ctx, action: Callable[[Any, Any, dict[str, str]], None], values: dict[str, str]
) -> None:
    from web.account_pages import FormError

    try:
        action(ctx.site, ctx.viewer, values)
    except FormError as exc:
        raise BadRequest(exc.message) from None


def products_post(ctx: Ctx, v: dict[str, Any]) -> Page:
    from web import admin

    values = {
        "product": v["product"],
        "version": v["version"],
        "product_id": v["product_id"] or "",
        "release_name": v["release_name"] or "",
        "throttle": str(v["throttle"] or "1.0"),
    }
    admin_change(ctx, admin.add_product, values)
    return Page("api.html", "Product added", {"product": v["product"], "version": v["version"]}, cache=False)


def releases_post(ctx: Ctx, v: dict[str, Any]) -> Page:
    from web import admin

    values = {k: "" if v.get(k) is None else str(v[k]) for k in admin.RELEASE_FIELDS}
    admin_change(ctx, admin.add_release, values)
    return Page("api.html", "Release added", {k: v.get(k) for k in admin.RELEASE_FIELDS}, cache=False)


def featured_put(ctx: Ctx, v: dict[str, Any]) -> Page:
    from web import admin

    def action(site: Any, viewer: Any, values: dict[str, Any]) -> None:
        admin.set_featured(site, viewer, values["product"], values["versions"])

    admin_change(ctx, action, {"product": v["product"], "versions": v["versions"]})
    return Page(
        "api.html",
        "Featured versions saved",
        {"product": v["product"], "versions": v["versions"]},
        cache=False,
    )


def skiplist_change(delete: bool) -> Callable[[Ctx, dict[str, Any]], Page]:
    def handler(ctx: Ctx, v: dict[str, Any]) -> Page:
        with ctx.site.write_db.transaction() as conn:
            conn.execute(
                QUERIES["api_skiplist_delete" if delete else "api_skiplist_add"],
                {"category": v["category"], "rule": v["rule"]},
            )
            conn.execute(
                "SELECT audit_log_add(%(a)s, %(act)s, %(t)s, '{}'::jsonb)",
                {
                    "a": ctx.viewer.user_id,
                    "act": "skiplist.delete" if delete else "skiplist.add",
                    "t": f"{v['category']}: {v['rule']}",
                },
            )
            generation = conn.execute(
                "SELECT bump_cache_generation('skip list changed') AS generation"
            ).fetchone()["generation"]
        ctx.site.saw_generation(generation)
        return Page(
            "api.html",
            "Skip list",
            {"category": v["category"], "rule": v["rule"], "deleted" if delete else "added": True},
            cache=False,
        )

    return handler


# --- the declarations -----------------------------------------------------------------------

P = Param
DATE_RANGE = ("report", "build")
SIG_PARAMS = (
    P("signature", required=True, description="the crash signature"),
    P("product", description="a product"),
    P("version", description="a version of the product"),
    P("date", "date", description="the last day of the window (default yesterday)"),
    P("range_value", "integer", low=1, high=365, default=7, description="days in the window"),
)
SUPERSEARCH_PARAMS = (
    P(
        "product",
        many=True,
        description="a Super Search field; any field of /api/SuperSearchFields/ works, "
        "with operators (=, ~, ^, $, >, >=, <, <=, !, __null__)",
    ),
    P("version", many=True),
    P("platform", many=True),
    P("signature", many=True),
    P("date", many=True),
    P("release_channel", many=True),
    P("build_id", many=True),
    P("uuid", many=True),
    P("_columns", many=True, description="fields returned per hit"),
    P("_sort", many=True, description="sort fields, - for descending"),
    P("_facets", many=True, description="fields to count (terms aggregation); _cardinality.<field> too"),
    P("_facets_size", "integer", low=0, high=1000, description="terms per facet"),
    P("_results_number", "integer", low=0, high=1000, description="hits per page (0: facets only)"),
    P("_results_offset", "integer", low=0, high=100000, description="hits to skip"),
    P("_return_query", description="ignored (no Elasticsearch query here)"),
)

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "Products",
        "/api/Products/",
        "GET",
        "Products and their versions",
        products,
        (P("product", many=True, description="only these products"),),
    ),
    Endpoint(
        "ProductsAdd",
        "/api/Products/",
        "POST",
        "Add a product (add_new_product)",
        products_post,
        (
            P("product", required=True),
            P("version", required=True),
            P("product_id"),
            P("release_name"),
            P("throttle", "number"),
        ),
        permissions=("manage_releases",),
    ),
    Endpoint(
        "ProductVersions",
        "/api/ProductVersions/",
        "GET",
        "Product versions (releases)",
        product_versions,
        (
            P("product", many=True),
            P("version"),
            P("is_featured", "boolean"),
            P("build_type", choices=("release", "beta", "aurora", "nightly", "esr")),
        ),
        paginated=True,
    ),
    Endpoint(
        "ReleasesFeatured",
        "/api/ReleasesFeatured/",
        "GET",
        "Featured versions per product",
        featured,
        (P("products", many=True),),
    ),
    Endpoint(
        "ReleasesFeaturedEdit",
        "/api/ReleasesFeatured/",
        "PUT",
        "Choose a product's featured versions (edit_featured_versions)",
        featured_put,
        (P("product", required=True), P("versions", many=True, required=True)),
        permissions=("manage_releases",),
    ),
    Endpoint(
        "Releases",
        "/api/Releases/",
        "POST",
        "Add a release (add_new_release)",
        releases_post,
        (
            P("product", required=True),
            P("version", required=True),
            P("update_channel", required=True),
            P("build_id", required=True),
            P("platform", required=True),
            P("beta_number", "integer", low=0, high=1000),
            P("release_channel"),
            P("throttle", "number"),
            P("repository"),
        ),
        permissions=("manage_releases",),
    ),
    Endpoint(
        "CrashesPerAdi",
        "/api/CrashesPerAdi/",
        "GET",
        "Crashes per ADI per version and day (the middleware's /crashes/daily/)",
        crashes_per_adi,
        (
            P("product", required=True),
            P("versions", many=True),
            P("os", many=True),
            P("report_type", many=True),
            P("date_range_type", choices=DATE_RANGE, default="report"),
            P("start_date", "date"),
            P("end_date", "date"),
        ),
    ),
    Endpoint(
        "TCBS",
        "/api/TCBS/",
        "GET",
        "Top crashers by signature (the middleware's /crashes/signatures/)",
        tcbs,
        (
            P("product", required=True),
            P("version", required=True),
            P("crash_type", choices=("all", "browser", "plugin", "content")),
            P("os_name"),
            P("date_range_type", choices=DATE_RANGE),
            P("days", "integer", low=1, high=28, default=7),
            P("end_date", "date"),
            P("result_count", "integer", low=1, high=500),
        ),
    ),
    Endpoint(
        "SignatureSummary",
        "/api/SignatureSummary/",
        "GET",
        "A signature's summary tables",
        signature_tab("summary"),
        SIG_PARAMS,
    ),
    Endpoint(
        "ReportList",
        "/api/ReportList/",
        "GET",
        "A signature's crash reports",
        signature_tab("reports"),
        (*SIG_PARAMS, P("page", "integer", low=1, high=2000, description="page of 100 reports")),
    ),
    Endpoint(
        "ProcessedCrash",
        "/api/ProcessedCrash/",
        "GET",
        "A processed crash (redacted without view_pii)",
        processed_crash,
        (P("crash_id", "crash_id", required=True), P("datatype"), P("format")),
    ),
    Endpoint(
        "UnredactedCrash",
        "/api/UnredactedCrash/",
        "GET",
        "A processed crash with its private data",
        unredacted_crash,
        (P("crash_id", "crash_id", required=True), P("datatype"), P("format")),
        permissions=("view_pii", "view_exploitability"),
    ),
    Endpoint(
        "RawCrash",
        "/api/RawCrash/",
        "GET",
        "A raw crash (annotations; format=raw: a dump, view_rawdump)",
        raw_crash,
        (P("crash_id", "crash_id", required=True), P("format", choices=("meta", "raw")), P("name")),
        binary=True,
    ),
    Endpoint(
        "SuperSearch",
        "/api/SuperSearch/",
        "GET",
        "Super Search (hits, facets, histograms)",
        supersearch,
        SUPERSEARCH_PARAMS,
        open_params=True,
        extra_paths=("/api/SuperSearch",),
    ),
    Endpoint(
        "SuperSearchFields",
        "/api/SuperSearchFields/",
        "GET",
        "The Super Search fields",
        supersearch_fields,
        extra_paths=("/api/SuperSearchFields",),
    ),
    Endpoint(
        "Bugs", "/api/Bugs/", "GET", "Bugs of signatures", bugs, (P("signatures", many=True, required=True),)
    ),
    Endpoint(
        "SignaturesByBugs",
        "/api/SignaturesByBugs/",
        "GET",
        "Signatures of bugs",
        signatures_by_bugs,
        (P("bug_ids", "integer", many=True, required=True, low=1, high=2**31 - 1),),
    ),
    Endpoint(
        "ADI",
        "/api/ADI/",
        "GET",
        "Active daily installs per day and version",
        adi,
        (
            P("product", required=True),
            P("versions", many=True, required=True),
            P("start_date", "date", required=True),
            P("end_date", "date", required=True),
            P("platforms", many=True),
        ),
    ),
    Endpoint("Platforms", "/api/Platforms/", "GET", "Operating systems", platforms),
    Endpoint("CrontabberState", "/api/CrontabberState/", "GET", "The cron jobs' state", crontabber_state),
    Endpoint(
        "ServerStatus",
        "/api/ServerStatus/",
        "GET",
        "Processing pipeline status snapshots",
        server_status,
        (P("duration", "integer", low=1, high=288, default=12, description="snapshots (every 5 min)"),),
    ),
    Endpoint(
        "Reprocessing",
        "/api/Reprocessing/",
        "POST",
        "Queue crashes for reprocessing",
        reprocessing,
        (P("crash_ids", "crash_id", many=True, required=True),),
        permissions=("reprocess_crashes",),
    ),
    Endpoint(
        "Priorityjob",
        "/api/Priorityjob/",
        "POST",
        "Process crashes first",
        priority_job,
        (P("crash_ids", "crash_id", many=True, required=True),),
        permissions=("reprocess_crashes",),
    ),
    Endpoint("SkipList", "/api/SkipList/", "GET", "The signature skip list", skiplist, (P("category"),)),
    Endpoint(
        "SkipListAdd",
        "/api/SkipList/",
        "POST",
        "Add a skip-list rule",
        skiplist_change(False),
        (P("category", required=True), P("rule", required=True)),
        permissions=("manage_skiplist",),
    ),
    Endpoint(
        "SkipListDelete",
        "/api/SkipList/",
        "DELETE",
        "Delete a skip-list rule",
        skiplist_change(True),
        (P("category", required=True), P("rule", required=True)),
        permissions=("manage_skiplist",),
    ),
)


# --- serving ----------------------------------------------------------------------------------


def rate_limit(site: Site) -> None:
    viewer = auth.current_viewer()
    if viewer.user_id is not None:
        client, limit = f"u{viewer.user_id}", int(site.config["CRASHSTATS_API_RATE_USER"])
    else:
        client, limit = f"a{auth.remote_addr()}", int(site.config["CRASHSTATS_API_RATE_ANONYMOUS"])
    row = site.write_one(
        "SELECT allowed, hits, reset_seconds FROM api_rate_hit(%(c)s, %(n)s)", c=client, n=limit
    )
    assert row is not None
    bottle.response.set_header("X-RateLimit-Limit", str(limit))
    bottle.response.set_header("X-RateLimit-Remaining", str(max(limit - int(row["hits"]), 0)))
    if not row["allowed"]:
        bottle.response.set_header("Retry-After", str(row["reset_seconds"]))
        raise TooManyRequests(
            f"more than {limit} API requests in a minute",
            hint="sign in or send an Auth-Token header for a higher limit"
            if viewer.user_id is None
            else None,
        )


def endpoint_callback(site: Site, endpoint: Endpoint) -> Callable[..., Any]:
    def handler(ctx: Ctx) -> Page:
        # the permission first: without it, nothing about the parameters is answered
        missing = [p for p in endpoint.permissions if not ctx.viewer.has_perm(p)]
        if missing:
            raise Forbidden(
                f"{endpoint.name} needs the permission{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                hint="sign in, or send an API token holding it as the Auth-Token header",
            )
        params = request_params()
        check_params(params.allitems())
        values = parse(endpoint, params)
        ctx.filters.update({k: v for k, v in values.items() if v not in (None, [])})
        return endpoint.handler(ctx, values)

    served = serve(site, handler)

    def callback(**kwargs: Any) -> Any:
        bottle.request.environ["crashstats.format"] = "json"
        try:
            rate_limit(site)
            auth.check_csrf(site)
        except PageError as exc:
            bottle.response.status = exc.status
            bottle.response.content_type = CONTENT_TYPES["json"]
            return to_json({"error": exc.message, "hint": exc.hint, "status": exc.status})
        except auth.CsrfFailure as exc:
            bottle.response.status = 403
            bottle.response.content_type = CONTENT_TYPES["json"]
            return to_json({"error": str(exc), "status": 403})
        return served(**kwargs)

    return callback


def openapi(endpoints: tuple[Endpoint, ...] = ENDPOINTS) -> dict[str, Any]:
    """The OpenAPI 3.0 document of :data:`ENDPOINTS`."""
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        params = ep.all_params
        operation: dict[str, Any] = {
            "operationId": f"{ep.name}_{ep.method.lower()}",
            "summary": ep.summary,
            "description": ep.summary + (f". Needs: {', '.join(ep.permissions)}." if ep.permissions else "."),
            "responses": {
                "200": {
                    "description": "the answer",
                    "content": {"application/octet-stream" if ep.binary else "application/json": {}},
                },
                "400": {"description": "a parameter is missing or malformed; the error names it"},
                "403": {"description": "a permission is needed"},
                "404": {"description": "not found"},
                "429": {"description": "rate limit exceeded"},
            },
        }
        if ep.binary:
            operation["responses"]["200"]["content"]["application/json"] = {}
        if ep.permissions:
            operation["security"] = [{"AuthToken": []}]
        if ep.method == "GET":
            operation["parameters"] = [
                {
                    "name": p.name,
                    "in": "query",
                    "required": p.required,
                    "description": p.description or p.name,
                    "schema": p.schema(),
                    **({"style": "form", "explode": True} if p.many else {}),
                }
                for p in params
            ]
        elif params:
            operation["requestBody"] = {
                "required": any(p.required for p in params),
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {p.name: p.schema() for p in params},
                            "required": [p.name for p in params if p.required],
                        }
                    }
                },
            }
        paths.setdefault(ep.path, {})[ep.method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "crashstats API",
            "version": "1",
            "description": "Crash-Stats' public API. Anonymous use: 10 requests a minute; with a "
            "session or an Auth-Token header: 100. Private data needs permissions.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"AuthToken": {"type": "apiKey", "in": "header", "name": "Auth-Token"}}
        },
    }


def install(app: bottle.Bottle, site: Site) -> None:
    """Add every declared endpoint, ``/api/openapi.json`` and the ``/api/`` list page."""
    for ep in ENDPOINTS:
        callback = endpoint_callback(site, ep)
        for path in (ep.path, *ep.extra_paths):
            app.route(path, ep.method, callback)
    document = to_json(openapi())

    @app.get("/api/openapi.json")
    def openapi_json() -> bytes:
        bottle.response.content_type = CONTENT_TYPES["json"]
        return document

    @app.get("/api/")
    def api_index() -> bytes:
        bottle.response.content_type = CONTENT_TYPES["html"]
        return render_html(
            site,
            "api.html",
            title="API",
            endpoints=ENDPOINTS,
            example=json.dumps({"Auth-Token": "<your token>"}),
            json_link="/api/openapi.json",
        )
