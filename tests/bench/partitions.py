"""Benchmark: partition maintenance over a registry of 20 tables with 3 years of weekly partitions.

    .venv/bin/python tests/bench/partitions.py [--engine native|pg_partman] [--years 3] [--tables 20]

Builds a fresh database (a private PostgreSQL cluster in a temporary directory, or the server
of --admin-url / $CRASHSTATS_TEST_ADMIN_URL), registers 12 extra tables beside the 8 of the
seed registry, backfills about 3 years of weeks (some 3,000 partitions), then times:

* weekly_report_partitions(): its first run (two weeks ahead), the steady state (nothing to
  create: what the weekly job and every writer meeting SQLSTATE 23514 pays) and the run that
  adds one week to every table;
* check_partitions() and truncate_partitions() over the whole registry;
* drop_named_partitions(): the weekly drop (one week of every table), and the first drop of a
  two-year backlog (a one-off catch-up, shown for scale);
* a one-day count on reports with partition pruning and without (enable_partition_pruning
  off): the unpruned query, measured in the same run, is the pruned one's ceiling; the plan of
  the pruned query is printed and must scan one partition.

Target (issue 3): maintenance of the whole registry under 5 s (each weekly call, and the weekly
cycle of creating a week, dropping a week and truncating); the one-day query touches one
partition. Exits 1 when a target is missed. Not collected by pytest (tests/bench).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pyapp import migrate
from pyapp.embedded import EmbeddedCluster, free_port

TARGET_SECONDS = 5.0


@contextmanager
def server(admin_url: str | None) -> Iterator[str]:
    """A superuser URL (database postgres) of a server to benchmark on."""
    if admin_url:
        yield admin_url
        return
    with tempfile.TemporaryDirectory(prefix="crashstats-bench-", dir="/tmp") as tmp:
        cluster = EmbeddedCluster(Path(tmp), port=free_port())
        cluster.start(create_database=False)
        try:
            yield cluster.url("postgres")
        finally:
            cluster.stop()


def with_db(admin_url: str, name: str) -> str:
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def call(url: str, query: str, params: tuple = ()) -> list[tuple]:
    """One statement in its own transaction (as the cron job runs it)."""
    with psycopg.connect(url) as conn:
        conn.execute("SET client_min_messages = warning")
        return conn.execute(query, params).fetchall()


def extra_tables(url: str, count: int) -> None:
    with psycopg.connect(url) as conn:
        for i in range(1, count + 1):
            name = f"bench_extra_{i:02d}"
            conn.execute(
                f"CREATE TABLE {name} (uuid uuid NOT NULL, payload jsonb, "
                "date_processed timestamptz NOT NULL) PARTITION BY RANGE (date_processed)"
            )
            conn.execute(
                "INSERT INTO report_partition_info "
                "(table_name, build_order, keys, indexes, partition_column, timetype) "
                "VALUES (%s, %s, '{uuid}', '{date_processed}', 'date_processed', 'TIMESTAMPTZ')",
                (name, 100 + i),
            )


def backfill(url: str, years: int) -> tuple[float, int]:
    """Every week from `years` years ago to now, 13 weeks per transaction (lock table size)."""
    today = dt.datetime.now(dt.UTC).date()
    start = today - dt.timedelta(days=365 * years)
    created = 0
    began = time.perf_counter()
    while start <= today:
        end = min(start + dt.timedelta(weeks=13) - dt.timedelta(days=1), today)
        created += len(call(url, "SELECT * FROM backfill_weekly_report_partitions(%s, %s)", (start, end)))
        start = end + dt.timedelta(days=1)
    return time.perf_counter() - began, created


def fill_reports(url: str, years: int) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "INSERT INTO reports (uuid, date_processed, product, signature) "
            "SELECT gen_random_uuid()::text, t, 'KillerApp', 'sig' || (extract(hour FROM t)::int %% 7) "
            "FROM generate_series(now() - make_interval(years => %s) + interval '7 days', now(), "
            "interval '2 hours') t",
            (years,),
        ).rowcount


def one_day_query(url: str, day: dt.date, pruning: bool) -> tuple[float, int, str]:
    """(median seconds of 5 runs, partitions scanned, plan) of a one-day count on reports."""
    query = (
        "SELECT count(*), count(DISTINCT signature) FROM reports "
        f"WHERE date_processed >= '{day}'::timestamptz "
        f"AND date_processed < '{day + dt.timedelta(days=1)}'::timestamptz"
    )
    with psycopg.connect(url) as conn:
        conn.execute("SET timezone TO 'UTC'")
        conn.execute(f"SET enable_partition_pruning TO {'on' if pruning else 'off'}")
        plan = "\n".join(
            r[0] for r in conn.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {query}")
        )
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            conn.execute(query).fetchall()
            runs.append(time.perf_counter() - start)
    scanned = sum(1 for line in plan.splitlines() if " on reports_" in line and "Scan" in line)
    return statistics.median(runs), scanned, plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("native", "pg_partman"), default="native")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--tables", type=int, default=20, help="registry size (8 seed tables + extras)")
    parser.add_argument("--admin-url", default=os.environ.get("CRASHSTATS_TEST_ADMIN_URL"))
    args = parser.parse_args(argv)

    with server(args.admin_url) as admin:
        name = f"crashstats_bench_{os.getpid()}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
            conn.execute(f"ALTER DATABASE \"{name}\" SET timezone TO 'UTC'")
            version = conn.execute("SHOW server_version").fetchone()[0]
        url = with_db(admin, name)
        try:
            return run(url, args, version)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def run(url: str, args: argparse.Namespace, version: str) -> int:
    migrate.upgrade(url)
    extra_tables(url, args.tables - 8)
    if args.engine == "pg_partman":
        call(url, "SELECT set_partition_engine('pg_partman')")
    setup_seconds, backfilled = backfill(url, args.years)
    total = call(url, "SELECT count(*) FROM weekly_partitions")[0][0]
    weeks = call(url, "SELECT count(*) FROM weekly_partitions WHERE table_name = 'reports'")[0][0]
    print(
        f"partitions bench: engine {args.engine}, {args.tables} tables, {weeks} weeks of reports, "
        f"{total} partitions; PostgreSQL {version}"
    )
    print(
        f"setup: backfill_weekly_report_partitions created {backfilled} partitions in {setup_seconds:.1f} s "
        f"({1000 * setup_seconds / max(backfilled, 1):.0f} ms each)"
    )

    rows: list[tuple[str, str, str]] = []
    missed: list[str] = []
    target = f"{TARGET_SECONDS:.0f} s (target)"

    def measure(
        label: str, query: str, params: tuple = (), *, ceiling: str | None = target
    ) -> tuple[float, int]:
        seconds, result = timed(lambda: call(url, query, params))
        rows.append((f"{label} ({len(result)} rows)", f"{seconds:.3f} s", ceiling or "-"))
        if ceiling == target and seconds >= TARGET_SECONDS:
            missed.append(label)
        return seconds, len(result)

    measure("weekly_report_partitions(): first run", "SELECT * FROM weekly_report_partitions()")
    steady = [timed(lambda: call(url, "SELECT * FROM weekly_report_partitions()"))[0] for _ in range(3)]
    rows.append(
        (
            "weekly_report_partitions(): steady state, median of 3",
            f"{statistics.median(steady):.3f} s",
            target,
        )
    )
    if statistics.median(steady) >= TARGET_SECONDS:
        missed.append("steady state")
    # one week more than the furthest partition (pg_partman premakes 4 weeks)
    ahead = call(url, "SELECT max(upcoming) FROM report_partition_status")[0][0] + 1
    create_s, _ = measure(
        f"weekly_report_partitions({ahead}): one new week",
        "SELECT * FROM weekly_report_partitions(%s)",
        (ahead,),
    )
    measure("check_partitions(NULL, 2)", "SELECT * FROM check_partitions(NULL, 2)")
    truncate_s, _ = measure("truncate_partitions(26)", "SELECT * FROM truncate_partitions(26)")
    inserted = fill_reports(url, args.years)
    day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=200)
    pruned_s, pruned_n, plan = one_day_query(url, day, pruning=True)
    full_s, full_n, _ = one_day_query(url, day, pruning=False)
    rows.append(
        (
            f"one-day query on reports ({inserted} rows), pruning on",
            f"{1000 * pruned_s:.2f} ms, {pruned_n} partition(s)",
            f"{1000 * full_s:.2f} ms: the same query, pruning off",
        )
    )
    rows.append(
        ("one-day query on reports, pruning off", f"{1000 * full_s:.2f} ms, {full_n} partitions", "-")
    )
    if pruned_n != 1:
        missed.append("one-day query touches one partition")

    oldest = call(url, "SELECT min(week_begins) FROM weekly_partitions WHERE table_name = 'reports'")[0][0]
    drop_s, _ = measure(
        "drop_named_partitions(): one week",
        "SELECT * FROM drop_named_partitions(%s, p_force => true)",
        (oldest + dt.timedelta(days=7),),
    )
    weekly = create_s + drop_s + truncate_s
    rows.append(("weekly cycle: one new week + drop one week + truncate", f"{weekly:.3f} s", target))
    if weekly >= TARGET_SECONDS:
        missed.append("weekly cycle")
    measure(
        "drop_named_partitions(retention_cutoff(12)): first drop, 2 years of backlog",
        "SELECT * FROM drop_named_partitions(retention_cutoff(12))",
        ceiling="none: a one-off catch-up",
    )

    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'measured':<26}  ceiling")
    for label, measured, ceiling in rows:
        print(f"{label:<{width}}  {measured:<26}  {ceiling}")
    print("\nplan of the one-day query with pruning:")
    print(plan)
    if missed:
        print(f"\nMISSED: {', '.join(missed)}")
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
