"""``crashstats reports``: run the SQL report procedures by hand (backfills, one day's chain)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from pyapp import db, reports
from pyapp.cli.base import Context, out, whole_number


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reports",
        help="run the report procedures by hand: backfill a range of days, or one day's chain",
        description="The report tables are filled by SQL procedures (update_reports_clean, update_tcbs, ...) "
        "that the job runner calls on schedule. These commands run them by hand.",
    )
    sub = parser.add_subparsers(dest="reports_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True

    p = sub.add_parser(
        "backfill",
        help="rebuild every report for FIRST..LAST (SELECT backfill_matviews(...)), with a progress bar",
        description="Runs backfill_matviews(FIRST, LAST): product versions, duplicates and reports_clean, "
        "then each day's aggregates. LAST defaults to yesterday and stops at the last day with ADI. One "
        "transaction: an error leaves nothing half-done.",
    )
    p.add_argument("first", type=iso_date, metavar="FIRST", help="first UTC day, YYYY-MM-DD")
    p.add_argument("last", type=iso_date, nargs="?", metavar="LAST", help="last UTC day (default yesterday)")
    p.add_argument(
        "--no-reports-clean",
        action="store_true",
        help="keep reports_clean and the duplicate flags as they are (only the aggregates are rebuilt)",
    )
    p.set_defaults(func=backfill)

    p = sub.add_parser(
        "daily",
        help="run the daily chain for one UTC day, step by step, timing each step",
        description="Runs every step of report_chain() for DAY in its own transaction and prints how long "
        "each took. Steps already done for the day are left alone unless --replace. With --jobs N, up to "
        "N steps run at once on their own connections, each once the steps it reads have committed "
        "(report_chain().depends_on): the day's results are the same, sooner on a server with cores "
        "to spare.",
    )
    p.add_argument(
        "day", type=iso_date, nargs="?", metavar="DAY", help="UTC day, YYYY-MM-DD (default yesterday)"
    )
    p.add_argument("--replace", action="store_true", help="recompute steps already done for the day")
    p.add_argument(
        "--step", action="append", default=[], metavar="PROC", help="run only this step (repeatable)"
    )
    p.add_argument(
        "--jobs",
        type=whole_number(1),
        default=1,
        metavar="N",
        help="run up to N independent steps at once (default 1: one after another)",
    )
    p.set_defaults(func=daily)

    p = sub.add_parser("chain", help="list the steps of the daily chain, in order")
    p.set_defaults(func=chain)

    p = sub.add_parser(
        "live",
        help="count the crashes processed since the last call in the live reports (update_reports_live)",
        description="Calls update_reports_live until no processed crash is waiting. Processor workers do "
        "this every CRASHSTATS_REPORTS_LIVE_INTERVAL seconds; with --every S it runs as a service "
        "instead (a deployment without processors on the database's side, or with that interval 0).",
    )
    p.add_argument(
        "--every", type=whole_number(1), metavar="S", help="keep going, once every S seconds, until stopped"
    )
    p.set_defaults(func=live)

    p = sub.add_parser(
        "status",
        help="how current each report is (the reports_freshness view)",
        description="One line per report: the live count (crashes waiting, the oldest one's wait), "
        "update_reports_clean's newest period and each daily step's newest closed day, with the lag.",
    )
    p.set_defaults(func=status)


def _yesterday() -> dt.date:
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)


def backfill(ctx: Context) -> int:
    from tqdm import tqdm

    args = ctx.args
    if args.last is not None and args.last < args.first:
        from pyapp.errors import UsageError

        raise UsageError(f"LAST ({args.last}) is before FIRST ({args.first})")
    # backfill_matviews says why when the range has not ended or has no ADI
    last = args.last or max(args.first, _yesterday())
    bar = tqdm(
        total=(last - args.first).days + 1,
        unit="day",
        file=sys.stderr,
        disable=None,
        desc="backfill_matviews",
    )

    def progress(number: int, total: int, day: dt.date) -> None:
        bar.total = total
        bar.n = number - 1
        bar.set_postfix_str(day.isoformat())
        bar.refresh()

    try:
        reports.backfill(
            ctx.database_url(),
            args.first,
            args.last,
            reportsclean=not args.no_reports_clean,
            on_progress=progress,
        )
        bar.n = bar.total
        bar.refresh()
    finally:
        bar.close()
    out(f"reports rebuilt for {args.first} .. {last}")
    return 0


def daily(ctx: Context) -> int:
    day = ctx.args.day or _yesterday()
    total = 0.0

    def show(timing: reports.StepTiming) -> None:
        nonlocal total
        total += timing.seconds
        state = "done" if timing.result else "already done"
        out(f"{timing.step:3d}  {timing.proc_name:42s} {timing.seconds:9.3f} s  {state}")

    started = time.perf_counter()
    reports.run_day(
        ctx.database_url(),
        day,
        replace=ctx.args.replace,
        only=ctx.args.step,
        jobs=ctx.args.jobs,
        on_step=show,
    )
    out(f"     {'total':42s} {total:9.3f} s")
    if ctx.args.jobs > 1:
        elapsed = f"elapsed (--jobs {ctx.args.jobs})"
        out(f"     {elapsed:42s} {time.perf_counter() - started:9.3f} s")
    return 0


def chain(ctx: Context) -> int:
    for step in reports.chain(ctx.database_url()):
        out(f"{step['step']:3d}  {step['proc_name']:42s} {step['kind']}")
    return 0


def live(ctx: Context) -> int:
    every = ctx.args.every
    with db.connect(ctx.database_url(), component="reports-live", autocommit=True) as conn:
        while True:
            taken = reports.count_live_until_empty(conn)
            now = dt.datetime.now(dt.UTC)
            out(f"{now:%Y-%m-%d %H:%M:%S} UTC: {taken} crashes counted in the live reports")
            if every is None:
                return 0
            time.sleep(every)


def status(ctx: Context) -> int:
    rows = reports.freshness(ctx.database_url())
    out(f"{'report':42s} {'kind':7s} {'counted through (UTC)':22s} {'lag':>12s}  waiting  last run (UTC)")
    for r in rows:
        through = "-" if r["counted_through"] is None else f"{r['counted_through']:%Y-%m-%d %H:%M:%S}"
        lag = "-" if r["lag"] is None else _duration(r["lag"])
        waiting = "" if r["waiting"] is None else str(r["waiting"])
        last = "never" if r["last_run_at"] is None else f"{r['last_run_at']:%Y-%m-%d %H:%M:%S}"
        out(f"{r['report']:42s} {r['kind']:7s} {through:22s} {lag:>12s}  {waiting:>7s}  {last}")
    return 0


def _duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    if abs(seconds) < 120:
        return f"{seconds} s"
    if abs(seconds) < 7200:
        return f"{seconds // 60} min"
    if abs(seconds) < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"
