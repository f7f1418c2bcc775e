"""``crashstats demo``: load demo products, releases, ADI and crashes (pyapp.demo)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from pyapp import reports
from pyapp.cli.base import Context, out, whole_number
from pyapp.cli.reports_cmd import iso_date


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="generate demo data: 5 products, 40 versions, ADI and crashes",
        description="Demo data for trying the pages and for benchmarks (see pyapp/demo).",
    )
    sub = parser.add_subparsers(dest="demo_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    p = sub.add_parser(
        "generate",
        help="load N days of demo crashes and ADI, then build the reports",
        description="Adds the demo products and releases (add_new_product, add_new_release), then for each "
        "of the N days ending with --end-date its ADI and M crashes (reports, raw_crashes, "
        "processed_crashes, with COPY), then runs backfill_matviews over the days. The same --seed gives "
        "the same data, crash IDs included. Private fields carry 'piimarker' markers.",
    )
    p.add_argument("--days", type=whole_number(1), default=30, help="number of days (default 30)")
    p.add_argument(
        "--per-day", type=whole_number(1), default=2000, metavar="M", help="crashes per day (default 2000)"
    )
    p.add_argument(
        "--last-day-count", type=whole_number(1), metavar="M", help="crashes on the last day (default M)"
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--end-date", type=iso_date, metavar="DAY", help="last UTC day (default yesterday)")
    p.add_argument(
        "--no-reports", action="store_true", help="load the data only; do not run backfill_matviews"
    )
    p.set_defaults(func=generate)


def generate(ctx: Context) -> int:
    from tqdm import tqdm

    from pyapp.demo import load

    args = ctx.args
    url = ctx.database_url()
    last_day = args.end_date or dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    first_day = last_day - dt.timedelta(days=args.days - 1)
    with tqdm(total=args.days, unit="day", file=sys.stderr, disable=None, desc="loading") as bar:
        result = load.generate(
            url,
            days=args.days,
            per_day=args.per_day,
            seed=args.seed,
            last_day=last_day,
            last_day_count=args.last_day_count,
            on_day=lambda day, count: bar.update(1),
        )
    out(f"products added: {result.products_added}, releases added: {result.releases_added}")
    out(f"loaded {result.crashes} crashes and {result.adi_rows} ADI rows for {first_day} .. {last_day}")
    if not args.no_reports:
        with tqdm(total=args.days, unit="day", file=sys.stderr, disable=None, desc="reports") as bar:
            reports.backfill(
                url, first_day, last_day, on_progress=lambda n, total, day: bar.update(n - bar.n)
            )
        out(f"reports built for {first_day} .. {last_day}")
    return 0
