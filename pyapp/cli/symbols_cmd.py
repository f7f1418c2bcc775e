"""``crashstats symbols``: upload Breakpad symbols from scripts, list the missing ones."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyapp.cli.base import Context, out
from pyapp.db import Database
from pyapp.errors import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "symbols",
        help="upload Breakpad symbols to the symbol store; list missing symbols",
        description="The symbol store: `symbols upload` stores .sym files in the S3 bucket the "
        "SYMBOLS_BUCKET_* rules pick for the uploader and records the upload, as the web's "
        "/symbols/upload/ pages do; `symbols missing` lists the modules crashes lacked symbols for.",
    )
    sub = parser.add_subparsers(dest="symbols_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    p = sub.add_parser(
        "upload",
        help="upload .zip/.tar/.tar.gz archives of .sym files (or .sym files), one upload each",
        description="Each FILE is one upload: every .sym file in it is checked (MODULE line, debug id, "
        "safe names, sizes) before anything is stored, then stored gzip-encoded in the uploader's "
        "bucket (files already there with the same content are skipped), and the crashes of the "
        "last CRASHSTATS_SYMBOLS_REPROCESS_DAYS days that lacked these symbols are queued for "
        "reprocessing. A refused FILE is reported (which member, why) and the others go on; the "
        "exit status is then 1.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", type=Path, help="archive or .sym file")
    p.add_argument("--user", required=True, metavar="EMAIL", help="the uploader (picks the bucket; recorded)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=upload)
    m = sub.add_parser(
        "missing",
        help="modules seen without symbols (CSV on stdout)",
        description="The modules the processor had no symbols for in the last DAYS days, as the "
        "web's /missingsymbols/ page lists them (CSV: debug_file, debug_id, code_file, code_id, "
        "first_seen, last_seen, days_seen; a text cell starting =, +, -, @, tab or CR gets a "
        "leading ' so no spreadsheet runs it as a formula).",
    )
    m.add_argument("--days", type=int, default=7, help="days to look back (default 7)")
    m.add_argument("--include-uploaded", action="store_true", help="also modules uploaded since")
    m.set_defaults(func=missing)


def upload(ctx: Context) -> int:
    from tqdm import tqdm

    from pyapp.symbols.archive import ArchiveError
    from pyapp.symbols.buckets import bucket_for, s3_client
    from pyapp.symbols.upload import upload_symbols

    args = ctx.args
    if "@" not in args.user:
        raise UsageError(f"--user {args.user!r} is not an e-mail address")
    for path in args.files:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
    # settings first: a missing bucket or credentials stops before anything is read
    bucket_for(ctx.config, args.user)
    s3_client(ctx.config)
    url = ctx.database_url()
    assert url is not None
    refused = 0
    with Database(url, component="symbols", min_size=1, max_size=1) as db:
        for path in args.files:
            bar = tqdm(
                total=0,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                file=sys.stderr,
                disable=True if args.no_progress else None,
                desc=path.name,
            )

            def on_total(total: int, bar: tqdm = bar) -> None:
                bar.reset(total=total)

            try:
                result = upload_symbols(
                    ctx.config,
                    db,
                    user_email=args.user,
                    path=path,
                    on_total=on_total,
                    progress=bar.update,
                )
            except ArchiveError as exc:
                bar.close()
                refused += 1
                out(f"{path}: refused, nothing stored: {exc.message}")
                continue
            bar.close()
            out(
                f"{path}: upload {result.upload_id}: {len(result.files)} files into bucket {result.bucket} "
                f"({result.stored} stored, {result.skipped} already there); "
                f"{result.reprocessed_crashes} crashes queued for reprocessing"
            )
    return 1 if refused else 0


def missing(ctx: Context) -> int:
    import csv

    from pyapp.csvcells import neutralise_formula

    args = ctx.args
    if not 1 <= args.days <= 366:
        raise UsageError("--days must be between 1 and 366")
    url = ctx.database_url()
    assert url is not None
    with Database(url, component="symbols", min_size=1, max_size=1) as db:
        rows = db.fetch_all(
            "SELECT debug_file, debug_id, code_file, code_id, first_seen, last_seen, days_seen"
            " FROM missing_symbols_report(%(days)s, %(include)s)",
            days=args.days,
            include=args.include_uploaded,
        )
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(
        ["debug_file", "debug_id", "code_file", "code_id", "first_seen", "last_seen", "days_seen"]
    )
    for row in rows:
        # module names and ids come from crash reports: no cell may be a formula
        writer.writerow(
            ["" if v is None else neutralise_formula(v) if isinstance(v, str) else v for v in row.values()]
        )
    return 0
