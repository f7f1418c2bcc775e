"""``crashstats processor``: the processor workers (the seed's Socorro processor)."""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

from pyapp.cli.base import Context, out
from pyapp.cli.partitions_cmd import non_negative_int
from pyapp.db import Database, connect, wrap_exceptions
from pyapp.errors import UsageError
from pyapp.queries import QUERIES

if TYPE_CHECKING:
    from pyapp.processor.settings import ProcessorSettings
    from pyapp.processor.worker import WorkerStats

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "processor",
        help="process queued crashes: stackwalk, apply the rules, sign, store",
        description="Run processor workers: each claims crashes from processing_queue (priority, then "
        "reprocessing, then normal), runs minidump-stackwalk and the MozillaProcessorAlgorithm2015 "
        "rules, generates the signature and stores the processed crash in PostgreSQL and the "
        "optional stores of destination__storage_classes. Runs until SIGTERM/SIGINT (the crash in "
        "hand is finished), woken by NOTIFY when crashes arrive.",
    )
    parser.add_argument(
        "--workers",
        type=non_negative_int,
        help="worker processes (default CRASHSTATS_PROCESSOR_WORKERS); dead ones are restarted",
    )
    parser.add_argument(
        "--once", action="store_true", help="process what is queued now, print a summary and exit"
    )
    parser.add_argument(
        "--crash-id",
        nargs="+",
        metavar="ID",
        dest="crash_ids",
        help="process (or reprocess) these crashes now, print each one's signature and exit",
    )
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="send the optional crash stores what they failed to take (due retries; all with --all)",
    )
    parser.add_argument("--all", action="store_true", help="with --retry-failed: also retries not yet due")
    parser.set_defaults(func=run)


def _check(args: argparse.Namespace) -> None:
    if args.workers == 0:
        raise UsageError("--workers must be at least 1")
    if args.all and not args.retry_failed:
        raise UsageError("--all goes with --retry-failed")
    if args.retry_failed and (args.once or args.workers):
        raise UsageError("--retry-failed does not combine with --once or --workers")
    if args.crash_ids and (args.once or args.workers):
        raise UsageError("--crash-id does not combine with --once or --workers")


def run(ctx: Context) -> int:
    from pyapp.processor import queue
    from pyapp.processor.settings import ProcessorSettings
    from pyapp.processor.stackwalker import Stackwalker
    from pyapp.processor.worker import run_processor

    args = ctx.args
    _check(args)
    settings = ProcessorSettings.from_config(ctx.config)
    url = ctx.database_url()
    assert url is not None
    if args.retry_failed:
        return retry_failed(settings, url, args)
    only = queue.crash_ids(args.crash_ids) if args.crash_ids else None
    settings.crash_storage().close()  # a store that cannot be set up fails here, not in each worker
    version = Stackwalker.from_config(ctx.config).version()
    workers = args.workers or ctx.config["CRASHSTATS_PROCESSOR_WORKERS"]
    if only is None:
        log.info(
            "processor: %d worker(s), %s, %s, stores: postgresql%s",
            workers,
            settings.algorithm.name,
            version,
            "".join(f", {s.destination}" for s in settings.stores),
        )
        stats = run_processor(settings, url, workers=workers, once=args.once)
        if args.once:
            out(stats.summary())
        return 0
    with Database(url, component="processor", min_size=1, max_size=1) as db:
        requested = queue.queue_reprocessing(db, only)
    known = [crash_id for crash_id, status in requested if status == "queued"]
    stats = run_processor(settings, url, only=known) if known else None
    return report_crashes(url, requested, stats)


def report_crashes(url: str, requested: list[tuple[str, str]], stats: WorkerStats | None) -> int:
    """One line per crash asked for: its signature now, or why there is none."""
    ids = [crash_id for crash_id, _ in requested]
    with connect(url, component="processor") as conn, wrap_exceptions():
        rows = {str(r["uuid"]): r for r in conn.execute(QUERIES["processed_crash_summaries"], {"ids": ids})}
        queued = {str(r["crash_id"]) for r in conn.execute(QUERIES["queued_crash_ids"], {"ids": ids})}
    failures = 0
    for crash_id, status in requested:
        row = rows.get(crash_id)
        if status == "unknown":
            out(f"{crash_id}: no raw crash stored")
            failures += 1
        elif crash_id in queued or row is None:
            out(f"{crash_id}: not processed (still queued; see processing_queue.last_error)")
            failures += 1
        else:
            outcome = "" if row["success"] else " (processing had errors: see processor_notes)"
            out(f"{crash_id}: {row['signature']}{outcome}")
    if stats is not None:
        log.info("processor: %s", stats.summary())
    return 1 if failures else 0


def retry_failed(settings: ProcessorSettings, url: str, args: argparse.Namespace) -> int:
    from pyapp.processor import queue

    storage = settings.crash_storage()
    if not storage.optional:
        out("no optional crash stores configured (destination__storage_classes); nothing to retry")
        return 0
    only = queue.crash_ids(args.crash_ids) if args.crash_ids else None
    conn = connect(url, component="processor", autocommit=True)
    try:
        storage.prepare(conn)
        delivered, failed = storage.retry_failed(conn, crash_ids=only, due_only=not args.all)
    finally:
        conn.close()
        storage.close()
    out(f"delivered {delivered} crashes to {', '.join(storage.destinations)}; {failed} still failing")
    return 1 if failed else 0
