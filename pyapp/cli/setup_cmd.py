"""``crashstats setup``: the seed's ``setup-socorro.sh`` steps."""

from __future__ import annotations

import argparse
import logging
from urllib.parse import urlsplit, urlunsplit

from pyapp import db, migrate, partitions
from pyapp.cli.base import Context, mask_url, out
from pyapp.cli.partitions_cmd import database, non_negative_int, report_created, report_plan, report_troubles
from pyapp.embedded import cluster_from_config

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "setup",
        help="the seed's setup-socorro.sh steps (postgres, admin)",
        description="Set up a fresh installation, step by step as in the seed document: "
        "`setup postgres` creates the breakpad database if missing and builds the schema; "
        "`setup admin` creates the weekly partitions the processor writes to.",
    )
    sub = parser.add_subparsers(dest="setup_command", metavar="STEP", parser_class=type(parser))
    sub.required = True
    p = sub.add_parser(
        "postgres",
        help="create the database if missing, then upgrade the schema (setup-socorro.sh postgres)",
    )
    p.set_defaults(func=setup_postgres)
    p = sub.add_parser(
        "admin",
        help="create the current and upcoming weekly partitions (setup-socorro.sh admin)",
        description='The seed\'s `setup-socorro.sh admin` ("Create partitioned tables"): '
        "weekly_report_partitions() creates this week's partition of every report_partition_info "
        "table and those of the next --weeks weeks (default CRASHSTATS_PARTITION_WEEKS_AHEAD), "
        "then prints the partition check. The weekly job keeps them coming.",
    )
    p.add_argument(
        "--weeks", type=non_negative_int, help="weeks ahead (default CRASHSTATS_PARTITION_WEEKS_AHEAD)"
    )
    p.add_argument("--dry-run", action="store_true", help="print what would be created")
    p.set_defaults(func=setup_admin)


def admin_url(url: str) -> str:
    """The same server and credentials, database ``postgres`` (to CREATE DATABASE from)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "breakpad"


def setup_postgres(ctx: Context) -> int:
    url = ctx.database_url(required=False)
    if url is None:
        cluster = cluster_from_config(ctx.config)
        url = cluster.start()
        out(f"started the embedded PostgreSQL: {mask_url(url)}")
    name = database_name(url)
    if db.create_database(admin_url(url), name):
        out(f"created database {name}")
    before, after = migrate.upgrade(url)
    if before == after:
        out(f"schema of {name} already at {', '.join(after)}")
    else:
        out(f"schema of {name} upgraded from {', '.join(before) or 'base'} to {', '.join(after)}")
    return 0


def setup_admin(ctx: Context) -> int:
    weeks = ctx.config["CRASHSTATS_PARTITION_WEEKS_AHEAD"] if ctx.args.weeks is None else ctx.args.weeks
    with database(ctx) as database_:
        if ctx.args.dry_run:
            report_plan(partitions.plan(database_, weeks))
            return 0
        made = partitions.create(database_, weeks)
        report_created(made.partitions)
        troubled = report_troubles(made.troubles)
        result = partitions.check(database_, weeks)
    out(result.message)
    return 0 if result.status == 0 and not troubled else 1
