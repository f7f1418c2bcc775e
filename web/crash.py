"""The crash page ``/report/index/<crash id>`` (``bp-`` prefix accepted): everything about one
crash from crash_page() (what the page shows: the stack cut in PostgreSQL, see
web/crashview.py), redacted for the viewer by the framework. A crash not processed yet
gets the "pending" page, which asks for priority processing (request_priority_processing) and
reloads itself; an unknown crash 404, an expired one 410. Raw dumps: /rawdumps/<id>.dmp
(view_rawdump)."""

from __future__ import annotations

from typing import Any

import bottle

from pyapp import crashid
from pyapp.queries import QUERIES
from web import crashview
from web.framework import BadRequest, Ctx, Forbidden, GonePage, NotFoundPage, Page

PENDING_REFRESH_SECONDS = 30


def parse_crash_id(raw: str) -> str:
    crash_id = crashid.strip_prefix(raw.strip())
    if not crashid.is_crash_id(crash_id):
        raise BadRequest(f"not a crash ID: {raw}")
    return crash_id.lower()


def crash(ctx: Ctx, crash_id: str) -> Page:
    if crash_id.lower().startswith("bp-"):
        suffix = {"json": ".json", "csv": ".csv"}.get(ctx.fmt, "")
        raise bottle.HTTPResponse(
            status=301, headers={"Location": f"/report/index/{parse_crash_id(crash_id)}{suffix}"}
        )
    crash_id = parse_crash_id(crash_id)
    ctx.filters["crash_id"] = crash_id
    row = ctx.one(
        "SELECT state, crash_date, report, processed_crash, raw_crash, json_dump, crashing,"
        " thread_count, thread_indexes, frame_counts, module_count, queued_at, queue_priority"
        " FROM crash_page(%(id)s::uuid, %(weeks)s, %(crashing_frames)s, %(other_frames)s,"
        " %(threads)s, %(modules)s)",
        id=crash_id,
        weeks=ctx.site.config["CRASHSTATS_PARTITION_TRUNCATE_WEEKS"],
        **crashview.SQL_LIMITS,
    )
    assert row is not None
    if row["state"] == "unknown":
        raise NotFoundPage(f"no crash {crash_id} here")
    if row["state"] == "expired":
        raise GonePage(f"crash {crash_id} ({row['crash_date']}) is older than the data kept here")
    if row["state"] == "pending":
        request = ctx.site.write_value("SELECT request_priority_processing(%(id)s::uuid)", id=crash_id)
        return Page(
            "pending.html",
            f"Crash {crash_id} is waiting to be processed",
            {
                "crash_id": crash_id,
                "state": "pending",
                "priority_request": request,
                "queued_at": row["queued_at"],
                "refresh_seconds": PENDING_REFRESH_SECONDS,
            },
            status=202,
            cache=False,
            headers={"Refresh": str(PENDING_REFRESH_SECONDS)},
        )
    report: dict[str, Any] = row["report"] or {}
    processed: dict[str, Any] = row["processed_crash"] or {}
    signature = processed.get("signature") or report.get("signature")
    bugs = ctx.rows(QUERIES["web_signature_bugs"], signature=signature) if signature else []
    # json_dump cut by crash_page(); bounded whatever the stored crash holds: the whole
    # documents are the API's to answer
    cut = crashview.Cut.of_row(row)
    crashing = cut.crashing
    budget = crashview.Budget()
    shown = crashview.prune(processed, budget)
    if row["json_dump"] is not None:
        shown["json_dump"] = crashview.bounded_dump(cut, budget)
    data = {
        "crash_id": crash_id,
        "state": "processed",
        "signature": signature,
        "report": crashview.prune(report, budget),
        "processed_crash": shown,
        "raw_crash": crashview.prune(row["raw_crash"] or {}, budget),
        "bug_ids": [b["bug_id"] for b in bugs],
        "crashing_thread": crashing,
        "can_see_dumps": ctx.viewer.has_perm("view_rawdump"),
        "whole": {
            "processed": f"/api/ProcessedCrash/?crash_id={crash_id}",
            "raw": f"/api/RawCrash/?crash_id={crash_id}&format=meta",
        },
    }
    if ctx.fmt == "html":
        data["stack"] = crashview.stack(cut)
    return Page("crash.html", f"Crash {crash_id}", data, kind="live")


def rawdump(ctx: Ctx, name: str) -> Any:
    """``/rawdumps/<crash id>.dmp`` (the main dump) or ``<crash id>.<dump name>.dmp``."""
    if not ctx.viewer.has_perm("view_rawdump"):
        raise Forbidden("raw dumps need the view_rawdump permission")
    stem = name.removesuffix(".dmp")
    crash_id, _, dump_name = stem.partition(".")
    crash_id = parse_crash_id(crash_id)
    from pyapp.dumpstore import MAIN_DUMP, open_dump_store

    store = open_dump_store(ctx.site.config)
    try:
        data = store.get_dump(crash_id, dump_name or MAIN_DUMP)
    except Exception as exc:
        raise NotFoundPage(f"no dump {dump_name or MAIN_DUMP} for {crash_id}") from exc
    raise bottle.HTTPResponse(
        body=data,
        status=200,
        headers={
            "Content-Type": "application/octet-stream",
            "Content-Disposition": f'attachment; filename="{crash_id}-{dump_name or MAIN_DUMP}.dmp"',
        },
    )
