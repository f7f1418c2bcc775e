"""``crashstats reports``: run the SQL report procedures by hand (backfills, one day's chain)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from pyapp import reports
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


def _yesterday() -> dt.date:
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)


def backfill(ctx: Context) -> int:
    from tqdm import tqdm

    args = ctx.args
    last = args.last or _yesterday()
    if last < args.first:
        from pyapp.errors import UsageError

        raise UsageError(f"LAST ({last}) is before FIRST ({args.first})")
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
