"""``crashstats reprocess``: queue processed crashes to be processed again."""

from __future__ import annotations

import argparse

from pyapp.cli.base import Context, out
from pyapp.cli.partitions_cmd import timestamp_arg
from pyapp.db import Database
from pyapp.errors import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reprocess",
        help="queue crashes for reprocessing (by crash ID, or by signature since a date)",
        description="Queue crashes at reprocessing priority (after priority requests, before new "
        "crashes); the running processors then process them again and replace their stored rows "
        "(after new symbols were uploaded, or the rules changed). Crashes whose raw crash is no "
        "longer stored cannot be reprocessed and are listed; the exit status is then 1.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--crash-id", nargs="+", metavar="ID", dest="crash_ids", help="these crashes")
    which.add_argument("--signature", metavar="S", help="every crash with this signature ...")
    parser.add_argument("--since", type=timestamp_arg, metavar="DATE", help="... processed since DATE (UTC)")
    parser.add_argument(
        "--until", type=timestamp_arg, metavar="DATE", help="... and before DATE (default now)"
    )
    parser.set_defaults(func=run)


def run(ctx: Context) -> int:
    from pyapp.processor import queue

    args = ctx.args
    if args.signature is not None and args.since is None:
        raise UsageError("--signature needs --since DATE")
    if args.crash_ids and (args.since or args.until):
        raise UsageError("--since and --until go with --signature")
    ids = queue.crash_ids(args.crash_ids) if args.crash_ids else None
    url = ctx.database_url()
    assert url is not None
    with Database(url, component="reprocess", min_size=1, max_size=1) as db:
        if ids is None:
            count = queue.queue_reprocessing_by_signature(db, args.signature, args.since, args.until)
            out(f"queued {count} crashes with signature {args.signature!r} for reprocessing")
            return 0
        results = queue.queue_reprocessing(db, ids)
    unknown = [crash_id for crash_id, status in results if status == "unknown"]
    for crash_id in unknown:
        out(f"{crash_id}: no raw crash stored; cannot reprocess")
    out(f"queued {len(results) - len(unknown)} crashes for reprocessing")
    return 1 if unknown else 0
