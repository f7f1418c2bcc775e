"""Benchmark of the web pages: p50/p95/p99 latency of every page under load, uncached and
cached, beside a static file served by the same server (the ceiling).

    .venv/bin/python -m tests.bench.web [--days 30] [--per-day 30000] [--last-day-count N]
                                        [--database-url URL]
                                        [--seconds 5] [--connections 4] [--cached-connections N]
                                        [--only TEXT]

It loads N days of demo crashes (pyapp.demo: products, versions, ADI, crashes) into a private
PostgreSQL (or --database-url, reused as is when it already holds demo data), runs the report
chain over them, then starts two gunicorn servers of the whole site (``crashstats serve``, 2
sync workers each) on the same data: one without memcached (every request renders: the
uncached figures) and one with a private memcached (warmed once: the cached figures). wrk (Debian
package; scripts/install-system-deps installs it) drives each URL for --seconds; a Lua hook
prints its latency percentiles. Each page is requested for one second before each measurement
(not counted): a worker's first request of a page compiles its template and plans its queries
on a fresh connection, a start-up cost, not a request's. Targets: every page p95 under 100 ms
uncached and under 10 ms cached; the static file shows what the server and the load generator
cost by themselves.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg.rows import dict_row

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from pyapp import accounts, migrate, reports  # noqa: E402
from pyapp.demo import load  # noqa: E402
from pyapp.embedded import EmbeddedCluster, free_port  # noqa: E402
from tests.support import stop_process, wait_for_http  # noqa: E402

BENCH_USER = "web-benchmark@example.com"
BENCH_PERMISSIONS = ("view_exploitability", "view_pii")
UNCACHED_CEILING_MS = 100.0
CACHED_CEILING_MS = 10.0
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def say(message: str) -> None:
    print(message, flush=True)


def has_demo_data(url: str) -> bool:
    try:
        with psycopg.connect(url) as conn:
            return bool(conn.execute("SELECT count(*) FROM home_page_graph").fetchone()[0])
    except psycopg.Error:
        return False


def page_urls(url: str, day: dt.date) -> list[tuple[str, str]]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        top = conn.execute(
            "SELECT product_name::text AS p, version_string::text AS v FROM home_page_graph_view"
            " WHERE report_date = %s ORDER BY report_count DESC LIMIT 1",
            (day,),
        ).fetchone()
        nightly = conn.execute(
            "SELECT version_string::text AS v FROM product_versions WHERE product_name = %s"
            " AND build_type = 'nightly' ORDER BY version_sort DESC LIMIT 1",
            (top["p"],),
        ).fetchone()
        signature = conn.execute(
            "SELECT signature FROM top_crashers"
            " WHERE product_name = %s AND version_string = %s AND end_date = %s AND days = 7"
            " AND crash_type = 'all' AND os_name = 'any' AND date_range_type = 'report'"
            " ORDER BY rank LIMIT 1",
            (top["p"], top["v"], day),
        ).fetchone()["signature"]
        crash = conn.execute(
            "SELECT uuid FROM reports WHERE date_processed >= %s ORDER BY date_processed LIMIT 1", (day,)
        ).fetchone()["uuid"]
    p, v, nv, sig = quote(top["p"]), quote(top["v"]), quote(nightly["v"]), quote(signature, safe="")
    return [
        ("static file (ceiling)", "/static/site.css"),
        ("home page", f"/home/products/{p}"),
        ("home page, by build date", f"/home/products/{p}?date_range_type=build"),
        ("home page JSON", f"/home/products/{p}.json"),
        ("top crashers, 7 days", f"/topcrasher/products/{p}/versions/{v}"),
        ("top crashers, 28 days, Windows", f"/topcrasher/products/{p}/versions/{v}/os_name/Windows?days=28"),
        ("top crashers CSV", f"/topcrasher/products/{p}/versions/{v}.csv"),
        ("crashes per ADI", f"/daily?p={p}&v={v}"),
        ("crashes per ADI by OS", f"/daily?p={p}&v={v}&os=Windows&os=Linux"),
        ("crashes per ADI by build", f"/daily?p={p}&v={nv}&date_range_type=build"),
        ("crashes per ADI by crash type", f"/daily?p={p}&v={v}&report_type=crash&report_type=hang-p"),
        ("signature summary", f"/report/list?signature={sig}"),
        ("signature graph", f"/report/list?signature={sig}&product={p}&version={v}&tab=graph"),
        ("signature reports", f"/report/list?signature={sig}&tab=reports"),
        ("signature comments", f"/report/list?signature={sig}&tab=comments"),
        ("signature URLs", f"/report/list?signature={sig}&tab=urls"),
        ("signature bugs", f"/report/list?signature={sig}&tab=bugs"),
        ("signature exploitability (token)", f"/report/list?signature={sig}&tab=exploitability"),
        ("crash page", f"/report/index/{crash}"),
        ("GC crashes", f"/gccrashes/products/{p}/versions/{nv}"),
        ("exploitability (token)", f"/exploitability/?product={p}"),
        ("explosive signatures", f"/explosive/?date={day}"),
        ("crontabber state", "/crontabber-state/"),
        ("server status", "/status/"),
        ("Super Search, product, 1 day, facets", f"/search/?product={p}&date=>={day}&_facets=signature"),
        ("Super Search API, signature, 7 days", f"/api/SuperSearch/?signature={quote('=' + signature)}"),
    ]


def reader_token(url: str) -> str:
    """An API token of a user who may see exploitability and PII (the pages gated by a
    permission are measured as such a user sees them: sent as the Auth-Token header)."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        user_id = accounts.user_id_for(conn, BENCH_USER) or accounts.create_user(
            conn, BENCH_USER, None, permissions=list(BENCH_PERMISSIONS)
        )
        _token_id, token = accounts.create_token(conn, user_id, list(BENCH_PERMISSIONS), 1, "web benchmark")
    return token


def start_site(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "pyapp.cli.main", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    wait_for_http("127.0.0.1", port, "/__lbheartbeat__", process)
    return process


def run_wrk(
    port: int, path: str, seconds: int, connections: int, script: Path, headers: tuple[str, ...] = ()
) -> tuple[int, int, float, float, float]:
    out = subprocess.run(
        [
            "wrk",
            *[arg for header in headers for arg in ("-H", header)],
            "-t",
            str(min(2, connections)),  # wrk refuses more threads than connections
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    n, errors, p50, p95, p99 = line.split()[1:]
    return int(n), int(errors), float(p50), float(p95), float(p99)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=30_000)
    parser.add_argument("--last-day-count", type=int, help="crashes on the last day (default --per-day)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", help="a database to use (default: a private cluster)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds of load per URL and mode")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections, uncached")
    parser.add_argument(
        "--cached-connections",
        type=int,
        help="wrk connections, cached (default: --connections, the same load as the uncached run)",
    )
    parser.add_argument("--only", help="measure only the pages whose name holds this text (and the ceiling)")
    args = parser.parse_args()
    args.cached_connections = args.cached_connections or args.connections
    if not shutil.which("wrk") or not shutil.which("memcached"):
        raise SystemExit("wrk and memcached are needed: scripts/install-system-deps installs them")

    work = Path(tempfile.mkdtemp(prefix="crashstats-bench-web-", dir="/tmp"))
    cluster = None
    processes: list[subprocess.Popen] = []
    try:
        if args.database_url:
            url = args.database_url
        else:
            cluster = EmbeddedCluster(work / "pg", port=free_port())
            url = cluster.start()
        migrate.upgrade(url)
        day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
        first = day - dt.timedelta(days=args.days - 1)
        if has_demo_data(url):
            say("using the demo data already in the database")
        else:
            say(
                f"loading {args.days} days x {args.per_day} demo crashes ending {day}"
                + (f" ({args.last_day_count} on the last day)" if args.last_day_count else "")
            )
            started = time.perf_counter()
            load.generate(
                url,
                days=args.days,
                per_day=args.per_day,
                seed=args.seed,
                last_day=day,
                last_day_count=args.last_day_count,
            )
            say(f"  loaded in {time.perf_counter() - started:.0f} s")
            started = time.perf_counter()
            reports.backfill(url, first, day)
            say(f"  reports (backfill_matviews) in {time.perf_counter() - started:.0f} s")
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
        with psycopg.connect(url) as conn:
            crashes = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        say(f"data: {crashes} crashes in reports")

        memcached_port = free_port()
        command = ["memcached", "-l", "127.0.0.1", "-p", str(memcached_port), "-m", "256", "-U", "0"]
        if os.geteuid() == 0:
            command += ["-u", "root"]
        processes.append(subprocess.Popen(command))
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_", "CACHE_"))
        }
        env.update(
            DATABASE_URL=url,
            CRASHSTATS_VAR_DIR=str(work / "var"),
            CRASHSTATS_THROTTLE_RULES="accept_all",
            CRASHSTATS_LOG_LEVEL="WARNING",
            CRASHSTATS_WEB_STATEMENT_TIMEOUT="30000",
            # the load generator is one anonymous client: without this the API's rate limit
            # answers most of its requests with 429 (measured, but not the page)
            CRASHSTATS_API_RATE_ANONYMOUS="1000000000",
        )
        uncached_port, cached_port = free_port(), free_port()
        processes.append(start_site({**env, "CACHE_LOCATION": ""}, uncached_port, work / "uncached.log"))
        processes.append(
            start_site(
                {**env, "CACHE_LOCATION": f"127.0.0.1:{memcached_port}"}, cached_port, work / "cached.log"
            )
        )
        token = reader_token(url)
        script = work / "percentiles.lua"
        script.write_text(LUA)
        say(
            f"\nlatency in ms (wrk, {args.seconds} s per URL; uncached {args.connections} connections,"
            f" cached {args.cached_connections}); targets: p95 under {UNCACHED_CEILING_MS:.0f} ms uncached, "
            f"{CACHED_CEILING_MS:.0f} ms cached"
        )
        say(
            f"{'page':40s} {'uncached p50/p95/p99':>24s} {'req/s':>7s}"
            f"   {'cached p50/p95/p99':>22s} {'req/s':>7s}"
        )
        over = []
        for name, path in page_urls(url, day):
            if args.only and args.only not in name and "ceiling" not in name:
                continue
            # one second first, not counted: each worker's first request of a page compiles
            # its template and plans its queries on a new connection (start-up, not per request)
            headers = (f"Auth-Token: {token}",) if "(token)" in name else ()
            run_wrk(uncached_port, path, 1, args.connections, script, headers)
            uncached = run_wrk(uncached_port, path, args.seconds, args.connections, script, headers)
            run_wrk(cached_port, path, 1, 1, script, headers)  # fill the cache
            cached = run_wrk(cached_port, path, args.seconds, args.cached_connections, script, headers)
            flags = []
            if uncached[1] or cached[1]:
                flags.append(f"errors {uncached[1]}/{cached[1]}")
            if uncached[3] > UNCACHED_CEILING_MS:
                flags.append("uncached over target")
            if cached[3] > CACHED_CEILING_MS:
                flags.append("cached over target")
            if flags:
                over.append(name)
            say(
                f"{name:40s} {uncached[2]:7.1f}/{uncached[3]:7.1f}/{uncached[4]:7.1f}"
                f" {uncached[0] / args.seconds:7.0f}"
                f"   {cached[2]:6.1f}/{cached[3]:6.1f}/{cached[4]:6.1f} {cached[0] / args.seconds:7.0f}"
                f"   {' '.join(flags)}"
            )
        say(f"\npages over a target: {', '.join(over) if over else 'none'}")
    finally:
        for process in reversed(processes):
            stop_process(process)
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
