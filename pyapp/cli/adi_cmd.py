"""``crashstats adi load``: Active Daily Install counts from CSV into raw_adi (the seed's ADI step)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyapp.cli.base import Context, out
from pyapp.db import Database
from pyapp.errors import CrashstatsError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "adi",
        help="load Active Daily Install counts into raw_adi",
        description="Active Daily Installs: `adi load FILE.csv` (or - for standard input) loads CSV rows in "
        "the seed's raw_adi column order (adi_count, date, product_name, product_os_platform, "
        "product_os_version, product_version, build, product_guid, update_channel; header optional).",
    )
    sub = parser.add_subparsers(dest="adi_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    p = sub.add_parser(
        "load",
        help="load a CSV file (- for stdin); rejected rows are listed, the good ones kept",
        description="Load ADI rows into raw_adi. Each (date, product) loaded replaces what raw_adi held "
        "for it (use --append to add instead). Rows with a wrong column count, a bad date, a negative "
        "count or an unknown product are rejected and listed; the good rows are kept, and the exit "
        "status is 1 when any row was rejected.",
    )
    p.add_argument("file", metavar="FILE.csv", help="CSV file, or - for standard input")
    p.add_argument(
        "--append", action="store_true", help="add to raw_adi instead of replacing the days loaded"
    )
    p.set_defaults(func=load)


def load(ctx: Context) -> int:
    from pyapp.adi import load_adi, text_lines

    path = ctx.args.file
    url = ctx.database_url()
    assert url is not None
    try:
        stream = sys.stdin.buffer if path == "-" else Path(path).open("rb")  # noqa: SIM115
    except OSError as exc:
        raise CrashstatsError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        with Database(url, component="adi", min_size=1, max_size=1) as db, db.transaction() as conn:
            result = load_adi(conn, text_lines(stream), replace=not ctx.args.append)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    for reject in result.rejected:
        out(f"rejected line {reject.line}: {reject.reason}: {reject.text}")
    replaced = f", replacing {result.replaced}" if result.replaced else ""
    out(f"loaded {result.loaded} ADI rows for {result.days_text}{replaced}; {len(result.rejected)} rejected")
    return 1 if result.rejected else 0
