"""``crashstats partitions``: weekly partitions (list, create, drop-old, truncate, check, engine).

Every action calls one SQL function (see :mod:`pyapp.partitions`); ``--dry-run`` asks the
same functions what they would do and changes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from pyapp import partitions
from pyapp.cli.base import Context, out, whole_number
from pyapp.db import Database, Row
from pyapp.errors import UsageError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def timestamp_arg(text: str) -> dt.datetime:
    """A date or an ISO timestamp; without a zone it is UTC (partition weeks are UTC)."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date or timestamp (YYYY-MM-DD[THH:MM]): {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


non_negative_int = whole_number(0)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "partitions",
        help="weekly partitions: list, create, drop-old, truncate, check, engine",
        description="Weekly partitions of the report_partition_info tables (reports, raw_crashes, ...). "
        "Maintenance runs in PostgreSQL; these commands call it and print what it did. "
        "--dry-run prints what would happen and changes nothing.",
    )
    sub = parser.add_subparsers(dest="partitions_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True

    p = sub.add_parser(
        "list",
        help="the registry's tables with their partitions (or one table's partitions)",
        description="Without TABLE: one line per report_partition_info table (engine, number of "
        "partitions, first and last week, upcoming partitions, truncation). With TABLE: its partitions.",
    )
    p.add_argument("table", nargs="?", help="list this table's partitions")
    p.set_defaults(func=list_partitions)

    p = sub.add_parser(
        "create",
        help="create the current and upcoming weeks' partitions (or backfill a range)",
        description="weekly_report_partitions(WEEKS, DATE): every missing partition of every registry "
        "table for the week of DATE (default now) and WEEKS weeks after it. With --from/--to: "
        "backfill_weekly_report_partitions for that range (optionally one --table).",
    )
    p.add_argument(
        "--weeks", type=non_negative_int, help="weeks ahead (default CRASHSTATS_PARTITION_WEEKS_AHEAD)"
    )
    p.add_argument("--date", type=timestamp_arg, help="the week to start from (default now)")
    p.add_argument("--from", dest="start", type=_date, help="backfill from the week of this date")
    p.add_argument("--to", dest="end", type=_date, help="backfill through the week of this date")
    p.add_argument("--table", help="backfill only this table (with --from/--to)")
    p.add_argument("--dry-run", action="store_true", help="print what would be created")
    p.set_defaults(func=create)

    p = sub.add_parser(
        "drop-old",
        help="drop partitions older than the retention (default 12 months)",
        description="drop_named_partitions(CUTOFF): drop the partitions lying wholly before CUTOFF of "
        "every date_processed table, dependants first (or drop_old_partitions for one --table). "
        "CUTOFF is --cutoff, else the Monday of the week --months ago (default "
        "CRASHSTATS_PARTITION_RETENTION_MONTHS). A cutoff less than 12 months back is refused "
        "unless --force.",
    )
    when = p.add_mutually_exclusive_group()
    when.add_argument("--cutoff", type=_date, help="drop partitions wholly before this date (UTC)")
    when.add_argument("--months", type=non_negative_int, help="retention in months")
    p.add_argument("--table", help="only this table")
    p.add_argument("--force", action="store_true", help="allow a cutoff less than 12 months back")
    p.add_argument("--dry-run", action="store_true", help="print what would be dropped")
    p.set_defaults(func=drop_old)

    p = sub.add_parser(
        "truncate",
        help="empty old partitions of raw_crashes, processed_crashes (registry: truncate_old)",
        description="truncate_partitions(WEEKS): empty the partitions older than WEEKS weeks (a table's "
        "own truncate_after_weeks wins) of the tables marked truncate_old in report_partition_info; "
        "the partitions stay.",
    )
    p.add_argument(
        "--weeks", type=non_negative_int, help="weeks to keep (default CRASHSTATS_PARTITION_TRUNCATE_WEEKS)"
    )
    p.add_argument("--dry-run", action="store_true", help="print what would be truncated")
    p.set_defaults(func=truncate)

    p = sub.add_parser(
        "check",
        help="Nagios-style check: this week's partition and enough upcoming ones",
        description="check_partitions: prints one status line and exits 0 (OK), 1 (WARNING: fewer than "
        "--weeks upcoming partitions) or 2 (CRITICAL: no partition for this week, a DEFAULT partition, "
        "not partitioned).",
    )
    p.add_argument("tables", nargs="*", help="tables to check (default: every registry table)")
    p.add_argument(
        "--weeks",
        type=non_negative_int,
        help="upcoming partitions wanted (default CRASHSTATS_PARTITION_WEEKS_AHEAD)",
    )
    p.set_defaults(func=check)

    p = sub.add_parser(
        "engine",
        help="show or set who creates partitions: native or pg_partman",
        description="Without ENGINE: the database default and each table's engine. With ENGINE (native, "
        "pg_partman, or default with --table): set_partition_engine for the database or one table; "
        "pg_partman creates the extension when the server has it.",
    )
    p.add_argument("engine", nargs="?", choices=("native", "pg_partman", "default"), help="engine to set")
    p.add_argument("--table", help="set only this table's engine")
    p.set_defaults(func=engine)


@contextmanager
def database(ctx: Context) -> Iterator[Database]:
    url = ctx.database_url()
    assert url is not None
    with Database(url, component="partitions", min_size=1, max_size=1) as db:
        yield db


def _weeks(ctx: Context) -> int:
    weeks = ctx.args.weeks
    return ctx.config["CRASHSTATS_PARTITION_WEEKS_AHEAD"] if weeks is None else weeks


def list_partitions(ctx: Context) -> int:
    with database(ctx) as db:
        if ctx.args.table:
            rows = partitions.partitions_of(db, ctx.args.table)
            if not rows:
                out(f"{ctx.args.table} has no partitions")
            for r in rows:
                if r["is_default"]:
                    out(f"{r['partition_name']:<32} DEFAULT partition")
                else:
                    out(
                        f"{r['partition_name']:<32} week of {r['week_begins']}  "
                        f"[{_utc(r['range_from'])}, {_utc(r['range_to'])})"
                    )
            return 0
        rows = partitions.status(db)
    out(
        f"{'table':<28} {'engine':<10} {'partitions':>10} {'first week':>11} {'last week':>11} "
        f"{'upcoming':>8}  truncation"
    )
    default_weeks = ctx.config["CRASHSTATS_PARTITION_TRUNCATE_WEEKS"]
    for r in rows:
        out(_status_line(r, default_weeks))
    return 0


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _status_line(r: Row, default_weeks: int) -> str:
    if not r["partitioned"]:
        partitions_text = "(plain)"
    elif r["has_default"]:
        partitions_text = f"{r['partitions']}+DEFAULT"
    else:
        partitions_text = str(r["partitions"])
    truncation = "-"
    if r["truncate_old"] and r["truncate_after_weeks"]:
        truncation = f"after {r['truncate_after_weeks']} weeks"
    elif r["truncate_old"]:
        truncation = f"after {default_weeks} weeks (CRASHSTATS_PARTITION_TRUNCATE_WEEKS)"
    return (
        f"{r['table_name']:<28} {r['engine']:<10} {partitions_text:>10} {r['first_week'] or '-'!s:>11} "
        f"{r['last_week'] or '-'!s:>11} {r['upcoming']:>8}  {truncation}"
    )


def create(ctx: Context) -> int:
    args = ctx.args
    if (args.start is None) != (args.end is None):
        raise UsageError("--from and --to go together")
    if args.start is not None and (args.weeks is not None or args.date is not None):
        raise UsageError("--from/--to backfill a range; --weeks/--date do not apply")
    if args.table and args.start is None:
        raise UsageError("--table needs --from and --to")
    backfill = args.start is not None
    with database(ctx) as db:
        if args.dry_run:
            if backfill:
                report_plan(partitions.missing(db, args.start, args.end, args.table))
            else:
                report_plan(partitions.plan(db, _weeks(ctx), args.date))
            return 0
        if backfill:
            report_created(partitions.backfill(db, args.start, args.end, args.table))
            return 0
        made = partitions.create(db, _weeks(ctx), args.date)
    report_created(made.partitions)
    return report_troubles(made.troubles)


def report_plan(todo: list[Row]) -> None:
    for r in todo:
        out(f"would create {r['table_name']} for the week of {r['week_begins']} ({r['engine']})")
    if not todo:
        out("nothing to create: the weeks have partitions")
    elif any(r["engine"] == "pg_partman" for r in todo):
        out("(pg_partman may premake further weeks of its tables)")


def report_created(created: list[str]) -> None:
    for name in created:
        out(f"created {name}")
    out(f"{len(created)} partitions created" if created else "nothing to create: the weeks have partitions")


def report_troubles(troubles: list[str]) -> int:
    """One line per table weekly_report_partitions could not do (the others were done): 1 if any."""
    for line in troubles:
        out(line)
    return 1 if troubles else 0


def drop_old(ctx: Context) -> int:
    args = ctx.args
    with database(ctx) as db:
        cutoff = args.cutoff
        if cutoff is None:
            months = args.months
            if months is None:
                months = ctx.config["CRASHSTATS_PARTITION_RETENTION_MONTHS"]
            cutoff = partitions.retention_cutoff(db, months)
        rows = partitions.drop_old(db, cutoff, table=args.table, force=args.force, dry_run=args.dry_run)
    verb = "would drop" if args.dry_run else "dropped"
    for r in rows:
        out(f"{verb} {r['partition_name']} ({r['table_name']}, week of {r['week_begins']})")
    out(f"{len(rows)} partitions {verb} (cutoff {cutoff})" if rows else f"nothing to drop before {cutoff}")
    return 0


def truncate(ctx: Context) -> int:
    args = ctx.args
    weeks = ctx.config["CRASHSTATS_PARTITION_TRUNCATE_WEEKS"] if args.weeks is None else args.weeks
    with database(ctx) as db:
        rows = partitions.truncate(db, weeks, dry_run=args.dry_run)
    verb = "would truncate" if args.dry_run else "truncated"
    for r in rows:
        out(f"{verb} {r['partition_name']} ({r['table_name']}, week of {r['week_begins']})")
    out(f"{len(rows)} partitions {verb}" if rows else f"nothing to truncate (keeping {weeks} weeks)")
    return 0


def check(ctx: Context) -> int:
    with database(ctx) as db:
        result = partitions.check(db, _weeks(ctx), ctx.args.tables)
    out(result.message)
    return result.status


def engine(ctx: Context) -> int:
    args = ctx.args
    if args.engine == "default" and not args.table:
        raise UsageError("`default` applies to one --table (it follows the database default again)")
    with database(ctx) as db:
        if args.engine:
            out(partitions.set_engine(db, args.engine, args.table))
            return 0
        if args.table:
            out(f"{args.table}: {partitions.engine(db, args.table)}")
            return 0
        out(f"database default: {partitions.engine(db)}")
        for r in partitions.status(db):
            out(f"{r['table_name']}: {r['engine']}")
    return 0
