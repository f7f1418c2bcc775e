"""Benchmark of the report pipeline: one big day (1 million crashes by default) after 30 days of
smaller history, all made by the demo generator (pyapp.demo) and loaded with COPY.

    .venv/bin/python tests/bench/reports.py [--crashes 1000000] [--history-days 30]
                                            [--history-per-day 30000] [--database-url URL]
                                            [--data-dir DIR [--history-again]] [--jobs N]

Without --database-url it runs a private PostgreSQL (the embedded cluster) in a temporary
directory; with --data-dir it keeps that cluster in DIR (created on the first run) and reuses
the crashes already loaded there (generating 1 million crashes takes a while): the big day is
then the last day that holds crashes, and the chain recomputes it (replace). --history-again
reruns the 30 days of history reports too (after a change to the procedures). It prints:
  * the time of each procedure of the daily chain for the big day (each in its own transaction,
    as `crashstats reports daily [--jobs N]` runs them), and the time the chain took;
  * beside it the floor: one sequential count(*) GROUP BY signature over that day's reports
    partition (no parallel workers), measured in the same run; targets: total under 60 s and
    within 5x of the floor;
  * the write floor: the day's rows of every table the chain fills, as the chain left them,
    inserted again into empty copies of those tables with the same indexes (one INSERT per
    table, in a transaction rolled back): what storing the results costs before anything is
    read or computed, split between the period steps (reports_clean and the tables beside it,
    which cron fills hour by hour) and the daily steps;
  * the time of each report page's view query over the 30 days (median of 3), beside the 50 ms
    ceiling.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pyapp import migrate, reports
from pyapp.demo import load
from pyapp.embedded import EmbeddedCluster, free_port

#: the tables the chain fills for a day, with the column that says which day a row belongs to:
#: the period steps' (update_reports_duplicates, update_reports_clean; hourly under cron) ...
PERIOD_OUTPUTS = (
    ("reports_duplicates", "date_processed"),
    ("reports_clean", "date_processed"),
    ("reports_user_info", "date_processed"),
    ("raw_crash_fields", "date_processed"),
)
#: ... and the daily steps'
DAILY_OUTPUTS = (
    ("product_adu", "adu_date"),
    ("build_adu", "adu_date"),
    ("tcbs", "report_date"),
    ("tcbs_build", "report_date"),
    ("tcbs_ranks", "end_date"),
    ("crashes_by_user", "report_date"),
    ("crashes_by_user_build", "report_date"),
    ("home_page_graph", "report_date"),
    ("home_page_graph_build", "report_date"),
    ("crash_adu_by_build_signature", "adu_date"),
    ("exploitability_reports", "report_date"),
    ("exploitability_windows", "end_date"),
    ("exploitability_window_days", "end_date"),
    *(
        (f"signature_summary_{name}", "report_date")
        for name in (
            "products",
            "installations",
            "uptime",
            "os",
            "process_type",
            "architecture",
            "flash_version",
            "device",
            "graphics",
        )
    ),
    ("gccrashes", "report_date"),
    ("explosiveness", "last_date"),
    ("search_facet_days", "report_day"),
    ("rank_compare", "report_date"),
)

CHAIN_CEILING = 60.0
FLOOR_FACTOR = 5.0
VIEW_CEILING_MS = 50.0


def say(message: str) -> None:
    print(message, flush=True)


def timed(conn: psycopg.Connection, query: str, params: tuple = (), runs: int = 3) -> tuple[float, int]:
    times = []
    count = 0
    for _ in range(runs):
        started = time.perf_counter()
        count = len(conn.execute(query, params).fetchall())
        times.append(time.perf_counter() - started)
    return statistics.median(times), count


def view_queries(conn: psycopg.Connection, day: dt.date) -> list[tuple[str, str, tuple]]:
    first = day - dt.timedelta(days=29)
    top = conn.execute(
        "SELECT product_name::text AS p, version_string::text AS v FROM home_page_graph_view"
        " WHERE report_date = %s ORDER BY report_count DESC LIMIT 1",
        (day,),
    ).fetchone()
    nightly = conn.execute(
        "SELECT product_name::text AS p, version_string::text AS v FROM product_versions"
        " WHERE build_type = 'nightly' ORDER BY product_version_id LIMIT 1"
    ).fetchone()
    signature = conn.execute(
        "SELECT s.signature FROM tcbs t JOIN signatures s USING (signature_id) WHERE t.report_date = %s"
        " ORDER BY t.report_count DESC LIMIT 1",
        (day,),
    ).fetchone()["signature"]
    p, v = top["p"], top["v"]
    np_, nv = nightly["p"], nightly["v"]
    # the top crashers page's own query (web/pages.py topcrasher), 100 results unless said
    tc = (
        "SELECT rank, previous_rank, rank_change, is_new, signature, report_count, percent_of_total,"
        " previous_percent_of_total, percent_change, win_count, mac_count, lin_count, hang_count,"
        " plugin_count, content_count, startup_percent, is_gc_count, total_crashes, first_report,"
        " versions, bug_ids FROM top_crashers"
        " WHERE product_name = %s AND version_string = %s AND end_date = %s AND days = %s"
        " AND crash_type = %s AND os_name = %s AND date_range_type = %s AND rank <= %s"
        " ORDER BY rank LIMIT %s"
    )
    version_days = "WHERE product_name = %s AND version_string = %s AND report_date BETWEEN %s AND %s"
    version_builds = "WHERE product_name = %s AND version_string = %s AND build_date BETWEEN %s AND %s"
    version_window = "WHERE product_name = %s AND version_string = %s AND start_date = %s AND end_date = %s"
    return [
        (
            "home page graph (featured, 30 days)",
            "SELECT * FROM home_page_graph_view WHERE product_name = %s AND is_featured"
            " AND report_date BETWEEN %s AND %s",
            (p, first, day),
        ),
        (
            "home page graph by build date",
            f"SELECT * FROM home_page_graph_build_view {version_builds}",
            (np_, nv, first, day),
        ),
        (f"top crashers {p} {v}, 7 days", tc, (p, v, day, 7, "all", "any", "report", 100, 100)),
        (f"top crashers {p} {v}, 28 days", tc, (p, v, day, 28, "all", "any", "report", 100, 100)),
        (
            f"top crashers {p} {v}, 28 days, 500 results",
            tc,
            (p, v, day, 28, "all", "any", "report", 500, 500),
        ),
        (
            f"top crashers {p} {v}, 7 days, Windows, browser",
            tc,
            (p, v, day, 7, "browser", "Windows", "report", 100, 100),
        ),
        (f"top crashers {np_} {nv} by build, 7 days", tc, (np_, nv, day, 7, "all", "any", "build", 100, 100)),
        (
            "crashes per ADI by version, 30 days",
            "SELECT * FROM crashes_per_adi_by_version WHERE product_name = %s"
            " AND report_date BETWEEN %s AND %s",
            (p, first, day),
        ),
        (
            "crashes per ADI by OS, 30 days",
            f"SELECT * FROM crashes_per_adi_by_os {version_days}",
            (p, v, first, day),
        ),
        (
            "crashes per ADI by crash type, 30 days",
            f"SELECT * FROM crashes_per_adi_by_crash_type {version_days}",
            (p, v, first, day),
        ),
        (
            "crashes per ADI by build date",
            f"SELECT * FROM crashes_per_adi_by_build_date {version_builds}",
            (np_, nv, first, day),
        ),
        (
            "signature summary, top signature, 30 days",
            "SELECT * FROM signature_summary WHERE signature = %s AND start_date = %s AND end_date = %s"
            " AND version_string IS NULL",
            (signature, first, day),
        ),
        (
            "signature history, 30 days",
            f"SELECT * FROM signature_history {version_days} AND signature = %s",
            (p, v, first, day, signature),
        ),
        (
            "exploitability, product, 28 days (the page's longest window)",
            "SELECT * FROM exploitability_report WHERE product_name = %s AND version_string IS NULL"
            " AND start_date = %s AND end_date = %s ORDER BY high_medium_count DESC, signature LIMIT 100",
            (p, day - dt.timedelta(days=27), day),
        ),
        (
            f"exploitability, {p} {v}, 7 days",
            "SELECT * FROM exploitability_report WHERE product_name = %s AND version_string = %s"
            " AND start_date = %s AND end_date = %s ORDER BY high_medium_count DESC, signature LIMIT 100",
            (p, v, day - dt.timedelta(days=6), day),
        ),
        (
            "GC crashes, nightly, 30 days",
            f"SELECT * FROM gccrashes_report {version_window}",
            (np_, nv, first, day),
        ),
        (
            "explosive signatures, day",
            "SELECT * FROM explosive_signatures WHERE last_date = %s"
            " ORDER BY score DESC NULLS LAST LIMIT 100",
            (day,),
        ),
        (
            "ADI by build for a signature, 30 days",
            "SELECT * FROM adu_by_signature WHERE product_name = %s AND signature = %s"
            " AND adu_date BETWEEN %s AND %s",
            (np_, signature, first, day),
        ),
        (
            "product_info / product_selector",
            "SELECT * FROM product_info JOIN product_selector USING (product_name, version_string)",
            (),
        ),
    ]


def write_floor(
    url: str, day: dt.date, tables: tuple[tuple[str, str], ...]
) -> list[tuple[str, int, int, float]]:
    """(table, indexes, rows, seconds) for each table: the day's rows, copied aside first,
    inserted into an empty table made LIKE the partition holding them (its columns, defaults and
    indexes), in one transaction that is rolled back. A lower bound of storing them: the real
    partitions also hold other days, so their indexes are larger."""
    results = []
    with psycopg.connect(url) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        for table, column in tables:
            day_rows = sql.SQL("FROM {t} WHERE {col} >= %s AND {col} < %s").format(
                t=sql.Identifier(table), col=sql.Identifier(column)
            )
            bounds = (day, day + dt.timedelta(days=1))
            # the partition holding the day (the table itself when it is not partitioned)
            holder = conn.execute(
                sql.SQL("SELECT tableoid::regclass::text {} LIMIT 1").format(day_rows), bounds
            ).fetchone()
            if holder is None:
                results.append((table, 0, 0, 0.0))
                continue
            conn.execute(sql.SQL("CREATE TEMP TABLE wf_src AS SELECT * {}").format(day_rows), bounds)
            conn.execute(
                sql.SQL("CREATE TABLE wf_copy (LIKE {t} INCLUDING ALL)").format(t=sql.Identifier(holder[0]))
            )
            indexes = conn.execute(
                "SELECT count(*) FROM pg_index WHERE indrelid = 'wf_copy'::regclass"
            ).fetchone()[0]
            started = time.perf_counter()
            rows = conn.execute("INSERT INTO wf_copy SELECT * FROM wf_src").rowcount
            results.append((table, indexes, rows, time.perf_counter() - started))
            conn.execute("DROP TABLE wf_copy, wf_src")
        conn.rollback()
    return results


def loaded_day(url: str, crashes: int) -> dt.date | None:
    """The big day of crashes already loaded: the last day with at least 99% of `crashes`
    reports (a duplicate submitted seconds after a crash near midnight lands on the next day)."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        row = conn.execute(
            "SELECT (date_processed AT TIME ZONE 'UTC')::date AS day FROM reports"
            " WHERE date_processed > now() - interval '60 days'"
            " GROUP BY 1 HAVING count(*) >= %s ORDER BY 1 DESC LIMIT 1",
            (int(crashes * 0.99),),
        ).fetchone()
    return row["day"] if row else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--crashes", type=int, default=1_000_000, help="crashes on the big day")
    parser.add_argument("--history-days", type=int, default=30)
    parser.add_argument("--history-per-day", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", help="an empty database to use (default: a private cluster)")
    parser.add_argument("--data-dir", type=Path, help="keep the cluster and its data here and reuse them")
    parser.add_argument("--port", type=int, help="port of the --data-dir cluster (default: a free one)")
    parser.add_argument(
        "--history-again", action="store_true", help="with reused data: rerun the history reports too"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="run the big day's chain N steps at a time (`crashstats reports daily --jobs N`; default 1)",
    )
    args = parser.parse_args()

    cluster = None
    tmp = None
    if args.database_url:
        url = args.database_url
    elif args.data_dir:
        cluster = EmbeddedCluster(args.data_dir.resolve(), port=args.port or free_port())
        url = cluster.start()
    else:
        tmp = tempfile.TemporaryDirectory(prefix="crashstats-bench-", dir="/tmp")
        cluster = EmbeddedCluster(Path(tmp.name), port=free_port())
        url = cluster.start()
    try:
        migrate.upgrade(url)
        day = loaded_day(url, args.crashes) if args.data_dir else None
        replace = day is not None
        if day is None:
            day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
        first = day - dt.timedelta(days=args.history_days)
        if replace:
            say(f"reusing the crashes loaded in {args.data_dir}: big day {day}")
        else:
            say(
                f"loading {args.history_days} days x {args.history_per_day} crashes, then {args.crashes}"
                f" on {day}"
            )
            started = time.perf_counter()
            load.generate(
                url,
                days=args.history_days + 1,
                per_day=args.history_per_day,
                seed=args.seed,
                last_day=day,
                last_day_count=args.crashes,
            )
            say(f"  loaded in {time.perf_counter() - started:.1f} s")
        if not replace or args.history_again:
            started = time.perf_counter()
            reports.backfill(url, first, day - dt.timedelta(days=1))
            say(
                f"  history reports (backfill_matviews over {args.history_days} days) in "
                f"{time.perf_counter() - started:.1f} s"
            )
        with psycopg.connect(url, autocommit=True) as conn:
            # reused data was vacuumed by the run that loaded it: fresh statistics are enough
            conn.execute("ANALYZE" if replace and not args.history_again else "VACUUM ANALYZE")

        say(f"\ndaily chain for {day} ({args.crashes} crashes, {args.jobs} step(s) at a time):")
        started = time.perf_counter()
        timings = reports.run_day(
            url,
            day,
            replace=replace,
            jobs=args.jobs,
            on_step=lambda t: say(f"  {t.proc_name:42s} {t.seconds:8.2f} s  (started at {t.started:7.2f} s)"),
        )
        total = time.perf_counter() - started
        if args.jobs > 1:
            say(f"  {'sum of the steps':42s} {sum(t.seconds for t in timings):8.2f} s")

        with psycopg.connect(url, row_factory=dict_row, autocommit=True) as conn:
            partition = conn.execute("SELECT find_weekly_partition(%s, 'reports') AS p", (day,)).fetchone()[
                "p"
            ]
            rows = conn.execute(f'SELECT count(*) AS n FROM "{partition}"').fetchone()["n"]
            conn.execute("SET max_parallel_workers_per_gather = 0")
            floor_query = f'SELECT signature, count(*) FROM "{partition}" GROUP BY signature'
            conn.execute(floor_query).fetchall()  # warm the cache like the chain had it
            floor, _ = timed(conn, floor_query)
            say(f"  {'total (elapsed)':42s} {total:8.2f} s   (ceiling {CHAIN_CEILING:.0f} s)")
            say(
                f"  floor: count(*) GROUP BY signature over {partition} ({rows} rows, sequential):"
                f" {floor:.2f} s"
            )
            say(f"  total / floor = {total / floor:.1f}x   (ceiling {FLOOR_FACTOR:.0f}x)")
            # the top crashers ranks are part of update_tcbs / update_tcbs_build: timed again alone
            for end, range_type in ((day, "report"), (day - dt.timedelta(days=6), "build"), (day, "build")):
                started = time.perf_counter()
                conn.execute("SELECT update_tcbs_ranks(%s, %s, %s)", (end, end, range_type))
                say(
                    f"  of which update_tcbs_ranks, windows ending {end} by {range_type} date:"
                    f" {time.perf_counter() - started:.2f} s"
                )

            say("\nwrite floor: the day's rows of each table the chain fills, inserted into an empty copy")
            say("with the same indexes (one INSERT each, rolled back):")
            written = {}
            for part, tables in (("period steps", PERIOD_OUTPUTS), ("daily steps", DAILY_OUTPUTS)):
                results = write_floor(url, day, tables)
                for table, indexes, count, seconds in results:
                    if count:
                        say(f"  {table:42s} {seconds:8.2f} s  {count:8d} rows, {indexes} indexes")
                written[part] = sum(seconds for _, _, _, seconds in results)
                say(f"  {'= ' + part:42s} {written[part]:8.2f} s")
            all_written = sum(written.values())
            say(
                f"  write floor {all_written:.2f} s = {all_written / floor:.1f}x the floor (daily steps"
                f" alone {written['daily steps'] / floor:.1f}x); the chain took {total / all_written:.1f}x"
                " the write floor"
            )

            say(
                f"\nreport views at {args.history_days + 1} days of data (median of 3 runs; ceiling "
                f"{VIEW_CEILING_MS:.0f} ms):"
            )
            for name, query, params in view_queries(conn, day):
                seconds, count = timed(conn, query, params)
                flag = "" if seconds * 1000 <= VIEW_CEILING_MS else "   over the ceiling"
                say(f"  {name:58s} {seconds * 1000:8.1f} ms  {count:6d} rows{flag}")
    finally:
        if cluster is not None:
            cluster.stop()
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
