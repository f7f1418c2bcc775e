"""The signature report ``/report/list?signature=...`` with its tabs (``&tab=``): summary
(signature_summary), graph (signature_history, adu_by_signature), reports (super_search),
comments (signature_comments: view_pii, or scrubbed for everyone with
CRASHSTATS_PUBLIC_SCRUBBED_COMMENTS), URLs (signature_urls, counts only without view_pii),
bugs, exploitability (view_exploitability)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyapp.queries import QUERIES
from web import links, search
from web.framework import BadRequest, Ctx, Forbidden, Page
from web.pages import SIGNATURE_TABS, check_product, check_versions, product_versions, yesterday

PAGE_SIZE = 50
REPORT_COLUMNS = [
    "uuid",
    "date",
    "product",
    "version",
    "build_id",
    "platform",
    "platform_version",
    "reason",
    "address",
    "uptime",
    "install_age",
    "process_type",
]


def can_see_comments(ctx: Ctx) -> bool:
    """User comments are personal data: view_pii sees them; everyone else only where the site
    shows them scrubbed (``CRASHSTATS_PUBLIC_SCRUBBED_COMMENTS``)."""
    return ctx.viewer.has_perm("view_pii") or ctx.site.public_scrubbed_comments


def report(ctx: Ctx) -> Page:
    signature = ctx.arg("signature")
    if signature is None:
        raise BadRequest("signature is required: /report/list?signature=...")
    ctx.filters["signature"] = signature
    product = ctx.arg("product")
    version = ctx.arg("version")
    known: list[dict[str, Any]] = []
    if product:
        check_product(ctx, product)
        known = product_versions(ctx, product)
        if version:
            check_versions(product, [version], known)
            ctx.filters["version"] = version
    elif version:
        raise BadRequest("version needs a product")
    tab = ctx.choice("tab", SIGNATURE_TABS, "summary")
    end = ctx.date("date", yesterday())
    range_value = ctx.integer("range_value", 7, low=1, high=365)
    ctx.choice("range_unit", ("days",), "days")
    start = end - dt.timedelta(days=range_value - 1)
    page = ctx.integer("page", 1, low=1, high=2000)
    if range_value > 1:
        ctx.narrow(
            "1 day", links.signature_url(signature, product, version, tab=tab, range_value=1, date=end)
        )
    data: dict[str, Any] = {
        "signature": signature,
        "product": product,
        "version": version,
        "tab": tab,
        "tabs": list(SIGNATURE_TABS),
        "start_date": start,
        "end_date": end,
        "range_value": range_value,
        "page": page,
        "can_see_exploitability": ctx.viewer.has_perm("view_exploitability"),
        "can_see_pii": ctx.viewer.has_perm("view_pii"),
        "can_see_comments": can_see_comments(ctx),
    }
    csv = None
    if tab in ("summary", "exploitability"):
        if tab == "exploitability" and not ctx.viewer.has_perm("view_exploitability"):
            raise Forbidden("the exploitability of a signature needs the view_exploitability permission")
        if product and version:
            rows = ctx.rows(
                "SELECT report_type, category, report_count, percentage, install_count FROM signature_summary"
                " WHERE signature = %(signature)s AND start_date = %(start)s AND end_date = %(end)s"
                " AND product_name = %(product)s AND version_string = %(version)s"
                " ORDER BY report_type, report_count DESC, category",
                signature=signature,
                start=start,
                end=end,
                product=product,
                version=version,
            )
        else:
            rows = ctx.rows(
                "SELECT report_type, category, report_count, percentage, install_count FROM signature_summary"
                " WHERE signature = %(signature)s AND start_date = %(start)s AND end_date = %(end)s"
                " AND version_string IS NULL ORDER BY report_type, report_count DESC, category",
                signature=signature,
                start=start,
                end=end,
            )
        if tab == "exploitability":
            rows = [r for r in rows if r["report_type"] == "exploitability"]
        data["rows"] = rows
        csv = ("rows", ["report_type", "category", "report_count", "percentage", "install_count"])
    elif tab == "graph":
        graph_product = product or ctx.site.default_product
        graph_version = version
        if graph_version is None:
            row = ctx.one(
                "SELECT version_string::text AS version_string FROM default_versions"
                " WHERE product_name = %(p)s",
                p=graph_product,
            )
            graph_version = row["version_string"] if row else None
        data["graph_product"], data["graph_version"] = graph_product, graph_version
        data["rows"] = ctx.rows(
            "SELECT report_date AS day, report_count, percent_of_total FROM signature_history"
            " WHERE product_name = %(p)s AND version_string = %(v)s AND signature = %(signature)s"
            " AND report_date BETWEEN %(start)s AND %(end)s ORDER BY report_date",
            p=graph_product,
            v=graph_version,
            signature=signature,
            start=start,
            end=end,
        )
        data["builds"] = ctx.rows(
            "SELECT channel::text AS channel, build_date, buildid, os_name::text AS os_name, adu_date,"
            " crash_count, adu_count FROM adu_by_signature"
            " WHERE product_name = %(p)s AND signature = %(signature)s"
            " AND adu_date BETWEEN %(start)s AND %(end)s ORDER BY buildid, adu_date, os_name LIMIT 500",
            p=graph_product,
            signature=signature,
            start=start,
            end=end,
        )
        csv = ("rows", ["day", "report_count", "percent_of_total"])
    elif tab == "reports":
        filters: list[tuple[str, str]] = [
            ("signature", "=" + signature),
            ("date", ">=" + start.isoformat()),
            ("date", "<" + (end + dt.timedelta(days=1)).isoformat()),
            ("_columns", ",".join(REPORT_COLUMNS)),
            ("_results_number", str(PAGE_SIZE)),
            ("_results_offset", str((page - 1) * PAGE_SIZE)),
        ]
        if product:
            filters.append(("product", "=" + product))
        if version:
            filters.append(("version", "=" + version))
        result = search.run(ctx, search.build_query(filters))
        data["rows"] = result["hits"]
        data["total"] = result["total"]
        data["pages"] = max(1, -(-result["total"] // PAGE_SIZE))
        csv = ("rows", REPORT_COLUMNS)
    elif tab == "comments":
        if not data["can_see_comments"]:
            raise Forbidden(
                "user comments need the view_pii permission",
                hint="sign in with an account holding view_pii (this site does not show scrubbed"
                " comments publicly: CRASHSTATS_PUBLIC_SCRUBBED_COMMENTS)",
            )
        rows = ctx.rows(
            "SELECT date_processed, uuid, product, version, user_comments, total"
            " FROM signature_comments(%(signature)s, %(start)s, %(end)s, %(product)s, %(version)s,"
            " %(limit)s, %(offset)s)",
            signature=signature,
            start=dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC),
            end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
            product=product,
            version=version,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        data["rows"] = [{k: v for k, v in r.items() if k != "total"} for r in rows]
        data["total"] = rows[0]["total"] if rows else 0
        data["pages"] = max(1, -(-data["total"] // PAGE_SIZE))
        csv = ("rows", ["date_processed", "uuid", "product", "version", "user_comments"])
    elif tab == "urls":
        data["rows"] = ctx.rows(
            "SELECT url, crash_count FROM signature_urls(%(signature)s, %(start)s, %(end)s, %(product)s,"
            " %(version)s, 100)",
            signature=signature,
            start=dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC),
            end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
            product=product,
            version=version,
        )
        csv = ("rows", ["url", "crash_count"])
    elif tab == "bugs":
        data["rows"] = ctx.rows(QUERIES["web_signature_bugs"], signature=signature)
        csv = ("rows", ["bug_id"])
    data["all_versions"] = [v["version_string"] for v in known]
    return Page("signature.html", f"Signature report: {signature}", data, csv=csv)
