"""The report pages: each reads one view (or function) with WHERE filters and hands the rows
to its template; no report logic here. Their URLs and filters are Socorro's (see
../shared/reference/socorro-legacy.md section 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import bottle

from pyapp.queries import QUERIES
from web import links
from web.cells import TOPCRASHER_COUNTS
from web.framework import BadRequest, Ctx, Forbidden, Page

HOME_DAYS = (3, 7, 14)
TOPCRASHER_DAYS = (1, 3, 7, 14, 28)
CRASH_TYPES = ("all", "browser", "plugin", "content")
OS_NAMES = ("any", "Windows", "Mac OS X", "Linux")
DATE_RANGE_TYPES = ("report", "build")
SIGNATURE_TABS = ("summary", "graph", "reports", "comments", "urls", "bugs", "exploitability")
MAX_RANGE_DAYS = 365
#: the count columns of the crashes-per-ADI views as whole numbers (some views sum them to
#: numeric); crashes / throttle is an estimate of crashes, rounded as Socorro's
#: product_crash_ratio did
COUNTS = (
    "report_count::bigint AS report_count, round(adjusted_report_count)::bigint AS adjusted_report_count,"
    " adu::bigint AS adu,"
)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def yesterday() -> dt.date:
    return today() - dt.timedelta(days=1)


def partial_day(ctx: Ctx, end: dt.date) -> dict[str, Any]:
    """Whether a window ending on ``end`` holds a day that is not over (the current UTC day, or
    later), and the time up to which the live reports have counted crashes: the page says
    "today so far, as of 14:05 UTC" and its JSON and CSV twins carry ``partial`` and ``as_of``
    (docs/live-reports.md)."""
    if end < today():
        return {"partial": False, "as_of": None}
    rows = ctx.rows("SELECT last_run_at FROM reports_freshness WHERE report = 'update_reports_live'")
    return {"partial": True, "as_of": rows[0]["last_run_at"] if rows else None}


def product_names(ctx: Ctx) -> list[str]:
    return [row["product_name"] for row in ctx.rows(QUERIES["web_products"])]


def check_product(ctx: Ctx, product: str | None, names: list[str] | None = None) -> str:
    names = names if names is not None else product_names(ctx)
    if not product:
        raise BadRequest("a product is required")
    if product not in names:
        known = ", ".join(names) or "none yet"
        raise BadRequest(f"unknown product: {product} (known products: {known})")
    ctx.filters["product"] = product
    return product


def product_versions(ctx: Ctx, product: str) -> list[dict[str, Any]]:
    return ctx.rows(
        "SELECT version_string::text AS version_string, is_featured, build_type::text AS build_type,"
        " start_date, end_date, throttle, has_builds"
        " FROM product_info WHERE product_name = %(product)s ORDER BY version_sort DESC",
        product=product,
    )


def check_versions(product: str, wanted: list[str], known: list[dict[str, Any]]) -> list[str]:
    names = [v["version_string"] for v in known]
    for version in wanted:
        if version not in names:
            raise BadRequest(f"unknown version of {product}: {version}")
    return wanted


def featured_versions(known: list[dict[str, Any]]) -> list[str]:
    featured = [v["version_string"] for v in known if v["is_featured"]]
    if featured:
        return featured
    day = today()
    live = [v["version_string"] for v in known if v["start_date"] <= day <= v["end_date"]]
    return live[:4]


def date_window(
    ctx: Ctx, end_name: str, days: int, default_end: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    end = ctx.date(end_name, default_end or yesterday())
    return end - dt.timedelta(days=days - 1), end


def provisional_adi(rows: list[dict[str, Any]]) -> dict[str, list[dt.date]] | None:
    """The days of ``rows`` whose ADI has not arrived (their crashes per 100 ADI are provisional,
    against the ADI of ``adu_days``), or None when every day has its own."""
    days = sorted({r["day"] for r in rows if r.get("adu_provisional")})
    if not days:
        return None
    return {"days": days, "adu_days": sorted({r["adu_date"] for r in rows if r.get("adu_provisional")})}


def check_range(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise BadRequest(f"the range starts ({start}) after it ends ({end})")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise BadRequest(f"the range {start} .. {end} is longer than {MAX_RANGE_DAYS} days")


# --- home -------------------------------------------------------------------------------


def home(ctx: Ctx, product: str, versions: str | None = None) -> Page:
    names = product_names(ctx)
    check_product(ctx, product, names)
    days = ctx.choice("days", HOME_DAYS, 7, value=ctx.arg("days"))
    range_type = ctx.choice("date_range_type", DATE_RANGE_TYPES, "report")
    # by report date the graph runs through today (the live reports count its crashes)
    start, end = date_window(ctx, "end_date", days, today() if range_type == "report" else yesterday())
    partial = partial_day(ctx, end) if range_type == "report" else {"partial": False, "as_of": None}
    known = product_versions(ctx, product)
    wanted = check_versions(product, [v for v in (versions or "").split(";") if v], known)
    chosen = wanted or featured_versions(known)
    ctx.filters["versions"] = chosen
    for smaller in HOME_DAYS:
        if smaller < days:
            ctx.narrow(f"{smaller} days", links.home_url(product, wanted, days=smaller))
    rows: list[dict[str, Any]] = []
    if chosen and range_type == "report":
        rows = ctx.rows(
            "SELECT version_string::text AS version_string, report_date AS day, "
            + COUNTS
            + " crash_hadu, throttle, adu_provisional, adu_date"
            " FROM home_page_graph_view"
            " WHERE product_name = %(product)s AND version_string = ANY(%(versions)s)"
            " AND report_date BETWEEN %(start)s AND %(end)s"
            " ORDER BY version_sort DESC, report_date",
            product=product,
            versions=chosen,
            start=start,
            end=end,
        )
    elif chosen:
        rows = ctx.rows(
            "SELECT version_string::text AS version_string, build_date AS day, "
            + COUNTS
            + " crash_hadu, throttle"
            " FROM home_page_graph_build_view"
            " WHERE product_name = %(product)s AND version_string = ANY(%(versions)s)"
            " AND build_date BETWEEN %(start)s AND %(end)s"
            " ORDER BY version_string DESC, build_date",
            product=product,
            versions=chosen,
            start=start,
            end=end,
        )
    empty = None
    if not known:
        empty = {
            "step": "Adding products and releases",
            "message": f"{product} has no releases yet: add one with add_new_release() (crashstats db psql), "
            "then update_product_versions() makes it a product version.",
        }
    elif not chosen:
        empty = {
            "step": "Adding products and releases",
            "message": f"{product} has no version shown today (none featured, none live): feature one with "
            "edit_featured_versions().",
        }
    elif not any((row["adu"] or 0) > 0 or row.get("adu_provisional") for row in rows):
        empty = {
            "step": "Active Daily Install",
            "message": f"no ADI loaded yet for {product} {', '.join(chosen)} from {start} to {end}: load "
            "raw_adi (crashstats adi load, or the fetch-adi job; a day's ADI arrives the next day), then "
            "update_adu and the daily reports (crashstats reports backfill) compute crashes per 100 ADI.",
        }
    return Page(
        "home.html",
        f"{product} crash data",
        {
            "product": product,
            "products": names,
            "versions": chosen,
            "all_versions": [v["version_string"] for v in known],
            "days": days,
            "day_choices": list(HOME_DAYS),
            "date_range_type": range_type,
            "start_date": start,
            "end_date": end,
            "rows": rows,
            "empty": empty,
            "provisional": provisional_adi(rows),
            **partial,
        },
        csv=(
            "rows",
            [
                "version_string",
                "day",
                "report_count",
                "adjusted_report_count",
                "adu",
                "crash_hadu",
                "throttle",
                "adu_provisional",
                "adu_date",
            ],
        ),
        kind="live" if partial["partial"] else "report",
    )


def root(ctx: Ctx) -> Page:  # pragma: no cover - replaced by a redirect in web.app
    raise bottle.HTTPResponse(status=302, headers={"Location": links.home_url(ctx.site.default_product)})


# --- top crashers -----------------------------------------------------------------------

TOPCRASHER_COLUMNS = [
    "rank",
    "rank_change",
    "is_new",
    "percent_of_total",
    "percent_change",
    "signature",
    *TOPCRASHER_COUNTS,
    "startup_percent",
    "is_gc_count",
    "first_report",
    "versions",
    "bug_ids",
]


def topcrasher(ctx: Ctx, product: str, version: str, rest: str = "") -> Page:
    options: dict[str, str] = {}
    parts = [p for p in rest.split("/") if p]
    if len(parts) % 2:
        raise BadRequest(f"the path after the version must be name/value pairs, not /{rest}")
    for name, value in zip(parts[::2], parts[1::2], strict=True):
        if name not in ("date_range_type", "crash_type", "os_name", "result_count"):
            raise BadRequest(f"unknown filter in the path: {name}")
        options[name] = value
    check_product(ctx, product)
    known = product_versions(ctx, product)
    check_versions(product, [version], known)
    ctx.filters["version"] = version
    # top crashers by build date are counted for nightly, aurora and rapid-beta builds only
    # (tcbs_build, as Socorro): a release or ESR version is not offered the view, and a link to
    # it says why it is empty instead of "0 crashes"
    by_build = any(v["version_string"] == version and v["has_builds"] for v in known)
    days = ctx.choice("days", TOPCRASHER_DAYS, 7)
    range_type = ctx.choice(
        "date_range_type", DATE_RANGE_TYPES, "report", value=options.get("date_range_type")
    )
    crash_type = ctx.choice("crash_type", CRASH_TYPES, "all", value=options.get("crash_type"))
    os_name = ctx.choice("os_name", OS_NAMES, "any", value=options.get("os_name"))
    count = ctx.integer("result_count", 100, low=1, high=500, value=options.get("result_count"))
    # by report date the window ends now (the live reports count today's crashes); by build date
    # it ends with the last day closed
    end = ctx.date("end_date", today() if range_type == "report" else yesterday())
    partial = partial_day(ctx, end)
    for smaller in TOPCRASHER_DAYS:
        if smaller < days:
            ctx.narrow(
                f"{smaller} days",
                links.topcrasher_url(product, version, days=smaller, crash_type=crash_type, os_name=os_name),
            )
    rows = ctx.rows(
        "SELECT rank, previous_rank, rank_change, is_new, signature, report_count, percent_of_total,"
        " previous_percent_of_total, percent_change, win_count, mac_count, lin_count, hang_count,"
        " plugin_count, content_count, startup_percent, is_gc_count, total_crashes, first_report,"
        " versions, bug_ids"
        " FROM top_crashers"
        " WHERE product_name = %(product)s AND version_string = %(version)s AND end_date = %(end)s"
        " AND days = %(days)s AND crash_type = %(crash_type)s AND os_name = %(os_name)s"
        " AND date_range_type = %(range_type)s"
        " AND rank <= %(count)s"  # the same rows (ranks are 1, 2, ...); the view reads only those
        " ORDER BY rank LIMIT %(count)s",
        product=product,
        version=version,
        end=end,
        days=days,
        crash_type=crash_type,
        os_name=os_name,
        range_type=range_type,
        count=count,
    )
    return Page(
        "topcrasher.html",
        f"Top crashers for {product} {version}",
        {
            "product": product,
            "version": version,
            "days": days,
            "day_choices": list(TOPCRASHER_DAYS),
            "date_range_type": range_type,
            "range_types": list(DATE_RANGE_TYPES) if by_build else ["report"],
            "no_build_dates": range_type == "build" and not by_build,
            "crash_type": crash_type,
            "crash_types": list(CRASH_TYPES),
            "os_name": os_name,
            "os_names": list(OS_NAMES),
            "result_count": count,
            "end_date": end,
            "start_date": end - dt.timedelta(days=days - 1),
            "total_crashes": rows[0]["total_crashes"] if rows else 0,
            "rows": rows,
            **partial,
        },
        csv=("rows", TOPCRASHER_COLUMNS),
        kind="live" if partial["partial"] else "report",
    )


# --- crashes per ADI ----------------------------------------------------------------------


def daily(ctx: Ctx) -> Page:
    names = product_names(ctx)
    product = check_product(ctx, ctx.arg("p", ctx.site.default_product), names)
    known = product_versions(ctx, product)
    versions = check_versions(product, ctx.args("v"), known) or featured_versions(known)
    ctx.filters["v"] = versions
    oses = ctx.args("os")
    for os_name in oses:
        ctx.choice("os", OS_NAMES[1:], None, value=os_name)
    ctx.filters["os"] = oses
    report_types = ctx.args("report_type")
    if report_types:
        allowed = [r["crash_type_short"] for r in ctx.rows(QUERIES["web_crash_types"])]
        for report_type in report_types:
            ctx.choice("report_type", allowed, None, value=report_type)
    ctx.filters["report_type"] = report_types
    range_type = ctx.choice("date_range_type", DATE_RANGE_TYPES, "report")
    # by version and report date the table runs through today (the live reports count its
    # crashes; its rate is provisional until its ADI arrives); by OS, report type or build date
    # it ends with the last day closed
    live = range_type == "report" and not oses and not report_types
    end = ctx.date("date_end", today() if live else yesterday())
    partial = partial_day(ctx, end) if live else {"partial": False, "as_of": None}
    start = ctx.date("date_start", end - dt.timedelta(days=13))
    check_range(start, end)
    ctx.narrow(
        "the last 7 days",
        links.url("/daily", p=product, v=versions, date_end=end, date_start=end - dt.timedelta(days=6)),
    )
    params = {"product": product, "versions": versions, "start": start, "end": end}
    if range_type == "build":
        if oses or report_types:
            raise BadRequest("os and report_type apply to report dates only (date_range_type=report)")
        by = "build date"
        rows = ctx.rows(
            "SELECT version_string::text AS label, version_string::text AS version_string,"
            " build_date AS day, " + COUNTS + " crash_hadu, throttle"
            " FROM crashes_per_adi_by_build_date"
            " WHERE product_name = %(product)s AND version_string = ANY(%(versions)s)"
            " AND build_date BETWEEN %(start)s AND %(end)s ORDER BY version_string, build_date",
            **params,
        )
    elif oses:
        by = "OS"
        rows = ctx.rows(
            "SELECT version_string || ' ' || os_name AS label, version_string::text AS version_string,"
            " os_name::text AS os_name, report_date AS day, " + COUNTS + " crash_hadu, throttle"
            " FROM crashes_per_adi_by_os"
            " WHERE product_name = %(product)s AND version_string = ANY(%(versions)s)"
            " AND os_name = ANY(%(oses)s) AND report_date BETWEEN %(start)s AND %(end)s"
            " ORDER BY version_string, os_name, report_date",
            oses=oses,
            **params,
        )
    elif report_types:
        by = "report type"
        rows = ctx.rows(
            "SELECT version_string || ' ' || crash_type_short AS label,"
            " version_string::text AS version_string, crash_type_short::text AS report_type,"
            " report_date AS day, " + COUNTS + " crash_hadu, throttle"
            " FROM crashes_per_adi_by_crash_type"
            " WHERE product_name = %(product)s AND version_string = ANY(%(versions)s)"
            " AND crash_type_short = ANY(%(report_types)s) AND report_date BETWEEN %(start)s AND %(end)s"
            " ORDER BY version_string, crash_type_short, report_date",
            report_types=report_types,
            **params,
        )
    else:
        by = "version"
        rows = ctx.rows(
            "SELECT version_string::text AS label, version_string::text AS version_string,"
            " report_date AS day, " + COUNTS + " crash_hadu, throttle,"
            " adu_provisional, adu_date"
            " FROM crashes_per_adi_by_version"
            " WHERE product_name = %(product)s AND version_string = ANY(%(versions)s)"
            " AND report_date BETWEEN %(start)s AND %(end)s ORDER BY version_sort DESC, report_date",
            **params,
        )
    return Page(
        "daily.html",
        f"Crashes per ADI for {product}",
        {
            "product": product,
            "products": names,
            "versions": versions,
            "all_versions": [v["version_string"] for v in known],
            "os": oses,
            "os_names": list(OS_NAMES[1:]),
            "report_type": report_types,
            "date_range_type": range_type,
            "date_start": start,
            "date_end": end,
            "by": by,
            "rows": rows,
            "provisional": provisional_adi(rows),
            **partial,
        },
        csv=(
            "rows",
            ["label", "day", "report_count", "adjusted_report_count", "adu", "crash_hadu", "throttle"]
            + (["adu_provisional", "adu_date"] if by == "version" else []),
        ),
        kind="live" if partial["partial"] else "report",
    )


# --- GC crashes, explosive signatures, exploitability, ranks by bug -----------------------


def gccrashes(ctx: Ctx, product: str, version: str | None = None) -> Page:
    check_product(ctx, product)
    known = product_versions(ctx, product)
    if version is None:
        nightly = [v["version_string"] for v in known if v["build_type"] == "nightly"]
        version = nightly[0] if nightly else (known[0]["version_string"] if known else None)
    if version is None:
        raise BadRequest(f"{product} has no versions yet")
    check_versions(product, [version], known)
    ctx.filters["version"] = version
    end = ctx.date("end_date", yesterday())
    start = ctx.date("start_date", end - dt.timedelta(days=6))
    check_range(start, end)
    rows = ctx.rows(
        "SELECT build, build_date, gc_count, adu, gc_count_madu FROM gccrashes_report"
        " WHERE product_name = %(product)s AND version_string = %(version)s"
        " AND start_date = %(start)s AND end_date = %(end)s ORDER BY build",
        product=product,
        version=version,
        start=start,
        end=end,
    )
    return Page(
        "gccrashes.html",
        f"GC crashes for {product} {version}",
        {
            "product": product,
            "version": version,
            "versions": [v["version_string"] for v in known],
            "start_date": start,
            "end_date": end,
            "rows": rows,
        },
        csv=("rows", ["build", "build_date", "gc_count", "adu", "gc_count_madu"]),
    )


def explosive(ctx: Ctx) -> Page:
    day = ctx.date("date", yesterday())
    product = ctx.arg("product")
    if product:
        check_product(ctx, product)
        rows = ctx.rows(
            "SELECT product_name::text AS product_name, version_string::text AS version_string, signature,"
            " score, oneday, threeday, day0, day1, day2, day3, day4, day5, day6, day7, day8, day9"
            " FROM explosive_signatures WHERE last_date = %(day)s AND product_name = %(product)s"
            " ORDER BY score DESC NULLS LAST LIMIT 100",
            day=day,
            product=product,
        )
    else:
        rows = ctx.rows(
            "SELECT product_name::text AS product_name, version_string::text AS version_string, signature,"
            " score, oneday, threeday, day0, day1, day2, day3, day4, day5, day6, day7, day8, day9"
            " FROM explosive_signatures WHERE last_date = %(day)s ORDER BY score DESC NULLS LAST LIMIT 100",
            day=day,
        )
    trend = []
    if rows:
        top = rows[0]
        trend = [
            {"day": day - dt.timedelta(days=n), "crashes_per_million_adi": top[f"day{n}"]}
            for n in range(9, -1, -1)
        ]
    return Page(
        "explosive.html",
        "Explosive signatures",
        {"date": day, "product": product, "products": product_names(ctx), "rows": rows, "trend": trend},
        csv=(
            "rows",
            ["product_name", "version_string", "signature", "score", "oneday", "threeday"]
            + [f"day{n}" for n in range(10)],
        ),
    )


def exploitability(ctx: Ctx) -> Page:
    if not ctx.viewer.has_perm("view_exploitability"):
        raise Forbidden("the exploitability report needs the view_exploitability permission")
    names = product_names(ctx)
    product = check_product(ctx, ctx.arg("product", ctx.site.default_product), names)
    version = ctx.arg("version")
    if version:
        check_versions(product, [version], product_versions(ctx, product))
        ctx.filters["version"] = version
    days = ctx.choice("days", (1, 3, 7, 14, 28), 7)
    end = ctx.date("end_date", yesterday())
    start = end - dt.timedelta(days=days - 1)
    page = ctx.integer("page", 1, low=1, high=1000)
    rows = ctx.rows(
        "SELECT signature, high_count, medium_count, low_count, none_count, null_count, high_medium_count,"
        " classified_count FROM exploitability_report"
        " WHERE product_name = %(product)s AND version_string IS NOT DISTINCT FROM %(version)s"
        " AND start_date = %(start)s AND end_date = %(end)s"
        " ORDER BY high_medium_count DESC, signature LIMIT 100 OFFSET %(offset)s",
        product=product,
        version=version,
        start=start,
        end=end,
        offset=(page - 1) * 100,
    )
    return Page(
        "exploitability.html",
        f"Exploitable crashes for {product}",
        {
            "product": product,
            "products": names,
            "version": version,
            "days": days,
            "start_date": start,
            "end_date": end,
            "page": page,
            "rows": rows,
        },
        csv=(
            "rows",
            [
                "signature",
                "high_count",
                "medium_count",
                "low_count",
                "none_count",
                "null_count",
                "high_medium_count",
            ],
        ),
    )


def ranks_by_bug(ctx: Ctx) -> Page:
    bug_id = ctx.integer("bug_id", 0, low=1, high=2**31 - 1)
    if not bug_id:
        raise BadRequest("bug_id is required")
    rows = ctx.rows(
        "SELECT signature, product_name::text AS product_name, version_string::text AS version_string,"
        " report_date, rank_days, rank, report_count, total_reports, percent_of_total"
        " FROM topcrasher_ranks_by_bug WHERE bug_id = %(bug)s"
        " ORDER BY product_name, version_string, signature",
        bug=bug_id,
    )
    return Page(
        "ranks_by_bug.html",
        f"Top crasher ranks of bug {bug_id}",
        {"bug_id": bug_id, "rows": rows},
        csv=("rows", ["signature", "product_name", "version_string", "report_date", "rank", "report_count"]),
    )


# --- crontabber state, server status ------------------------------------------------------


def crontabber_state(ctx: Ctx) -> Page:
    rows = ctx.rows(
        "SELECT app_name, status, next_run, first_run, last_run, last_success, error_count, depends_on,"
        " last_error ->> 'type' AS last_error_type, last_error ->> 'value' AS last_error_value, ongoing,"
        " last_duration, failures_7d"
        " FROM crontabber_state ORDER BY app_name"
    )
    return Page(
        "crontabber.html",
        "Crontabber state",
        {"rows": rows},
        csv=(
            "rows",
            [
                "app_name",
                "status",
                "next_run",
                "last_run",
                "last_success",
                "error_count",
                "last_error_type",
                "failures_7d",
            ],
        ),
        kind="live",
    )


def server_status(ctx: Ctx) -> Page:
    limit = ctx.integer("limit", 288, low=1, high=5000)
    rows = ctx.rows(QUERIES["web_server_status"], limit=limit)
    return Page(
        "status.html",
        "Server status",
        {"rows": rows, "latest": rows[0] if rows else None},
        csv=(
            "rows",
            [
                "date_created",
                "waiting_job_count",
                "processors_count",
                "date_oldest_job_queued",
                "date_recently_completed",
                "avg_wait_sec",
                "avg_process_sec",
            ],
        ),
        kind="live",
    )
