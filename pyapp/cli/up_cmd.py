"""``crashstats up``: bring up a working instance on the embedded PostgreSQL."""

from __future__ import annotations

import argparse

from pyapp.cli.base import Context, mask_url, out
from pyapp.cli.setup_cmd import setup_postgres


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "up",
        help="bring up a working instance (embedded PostgreSQL, schema)",
        description="Start the embedded PostgreSQL (or use the configured database), build or "
        "upgrade the schema, and print how to reach it.",
    )
    parser.set_defaults(func=up)


def up(ctx: Context) -> int:
    setup_postgres(ctx)
    url = ctx.database_url()
    out("")
    out("crashstats is up:")
    out(f"  database  {mask_url(url)}")
    out("  psql      crashstats db psql")
    out("  stop      crashstats db stop")
    return 0
