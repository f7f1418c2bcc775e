"""Benchmark of the live reports: what counting a day's crashes as they arrive costs, beside what
the batch procedures spend on the same tables for the same day.

    .venv/bin/python tests/bench/live_reports.py [--crashes 200000] [--per-call 232]
                                                 [--database-url URL]

One day of demo crashes (yesterday) is loaded with COPY (no queue), then:
  * live: the crashes arrive in order of date_processed, --per-call at a time (232: a
    1-million-crash day counted by a call every 20 s), each batch queued and counted by one
    update_reports_live() call: the PostgreSQL backend's CPU seconds in all, per crash and per
    call (p50 / p95 / max of the calls' time), and an empty call's cost (a worker's call when
    nothing waits);
  * batch: the same day recomputed from scratch by the procedures whose tables the live path
    keeps (update_reports_clean over the day in the hourly job's 1-hour periods, update_tcbs,
    update_home_page_graph, update_crashes_by_user; update_adu first, not counted), CPU seconds;
  * both scaled to a million crashes (per-crash costs x 1e6, plus the empty calls of two workers
    calling every 20 s when nothing waits), and a check that both left the same rows.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pyapp import migrate
from pyapp.demo import load
from pyapp.embedded import EmbeddedCluster, free_port
from tests.bench.common import cpu_seconds

SNAPSHOTS = {
    "reports_clean": "SELECT count(*), sum(hashtext(uuid || signature_id || product_version_id))"
    " FROM reports_clean",
    "tcbs": "SELECT count(*), sum(report_count), sum(hashtext(signature_id || '/' || product_version_id"
    " || '/' || report_count || '/' || win_count || '/' || is_gc_count)) FROM tcbs",
    "home_page_graph": "SELECT count(*), sum(report_count) FROM home_page_graph WHERE report_count > 0",
    "crashes_by_user": "SELECT count(*), sum(report_count) FROM crashes_by_user WHERE report_count > 0",
}


def say(message: str) -> None:
    print(message, flush=True)


def backend_cpu(conn: psycopg.Connection) -> float:
    return cpu_seconds([conn.info.backend_pid])


def snapshot(conn: psycopg.Connection) -> dict[str, tuple]:
    return {name: conn.execute(query).fetchone() for name, query in SNAPSHOTS.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--crashes", type=int, default=200_000, help="crashes on the day")
    parser.add_argument("--per-call", type=int, default=232, help="crashes counted by one live call")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", help="an empty database to use (default: a private cluster)")
    args = parser.parse_args()

    tmp = None
    cluster = None
    if args.database_url:
        url = args.database_url
    else:
        tmp = tempfile.TemporaryDirectory(prefix="crashstats-bench-", dir="/tmp")
        cluster = EmbeddedCluster(Path(tmp.name), port=free_port())
        url = cluster.start()
    try:
        migrate.upgrade(url)
        day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
        say(f"loading {args.crashes} crashes on {day}")
        load.generate(url, days=1, per_day=args.crashes, seed=args.seed, last_day=day)
        start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
            uuids = [r[0] for r in conn.execute("SELECT uuid FROM reports ORDER BY date_processed, uuid")]

            # live: the day's crashes arrive a call's worth at a time
            before = backend_cpu(conn)
            calls: list[float] = []
            for n in range(0, len(uuids), args.per_call):
                conn.execute(
                    "INSERT INTO reports_live_queue (uuid, date_processed)"
                    " SELECT uuid, date_processed FROM reports WHERE uuid = ANY(%s)",
                    (uuids[n : n + args.per_call],),
                )
                began = time.perf_counter()
                conn.execute("SELECT update_reports_live(%s)", (args.per_call,))
                calls.append(time.perf_counter() - began)
            live_cpu = backend_cpu(conn) - before
            live = snapshot(conn)
            before = backend_cpu(conn)
            empty_runs = 200
            for _ in range(empty_runs):
                conn.execute("SELECT update_reports_live()")
            empty_cpu = (backend_cpu(conn) - before) / empty_runs

            # batch: the same tables recomputed from scratch for the day
            conn.execute("SELECT update_adu(%s, false)", (day,))
            before = backend_cpu(conn)
            began = time.perf_counter()
            for hour in range(24):
                period = start + dt.timedelta(hours=hour)
                conn.execute("SELECT update_reports_clean(%s, '1 hour', false)", (period,))
            for proc in ("update_tcbs", "update_home_page_graph", "update_crashes_by_user"):
                conn.execute(f"SELECT {proc}(%s, false)", (day,))
            batch_cpu = backend_cpu(conn) - before
            batch_wall = time.perf_counter() - began
            batch = snapshot(conn)

        crashes = len(uuids)
        per_crash_live = live_cpu / crashes
        per_crash_batch = batch_cpu / crashes
        empty_calls_a_day = 2 * 86400 / 20
        quantiles = statistics.quantiles(calls, n=20) if len(calls) > 1 else [calls[0]] * 19
        say(f"\n{crashes} crashes, {len(calls)} live calls of {args.per_call}")
        say(
            f"live:  {live_cpu:8.2f} s of backend CPU ({per_crash_live * 1e3:.3f} ms a crash); a call: "
            f"p50 {statistics.median(calls) * 1e3:.0f} ms, p95 {quantiles[18] * 1e3:.0f} ms, "
            f"max {max(calls) * 1e3:.0f} ms; an empty call {empty_cpu * 1e3:.2f} ms"
        )
        say(
            f"batch: {batch_cpu:8.2f} s of backend CPU ({per_crash_batch * 1e3:.3f} ms a crash), "
            f"{batch_wall:.1f} s (update_reports_clean x 24 hours, update_tcbs, update_home_page_graph, "
            "update_crashes_by_user)"
        )
        live_day = per_crash_live * 1e6 + empty_cpu * empty_calls_a_day
        say(
            f"a million crashes a day: live {live_day:.0f} s of CPU (with {empty_calls_a_day:.0f} empty "
            f"calls), batch {per_crash_batch * 1e6:.0f} s;"
            f" live / batch {live_day / (per_crash_batch * 1e6):.2f}"
        )
        same = live == batch
        say(f"same rows as the batch: {'yes' if same else 'NO'}")
        if not same:
            for name in SNAPSHOTS:
                if live[name] != batch[name]:
                    say(f"  {name}: live {live[name]} batch {batch[name]}")
        return 0 if same else 1
    finally:
        if cluster is not None:
            cluster.stop()
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
