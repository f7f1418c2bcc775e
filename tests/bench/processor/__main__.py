"""Processor benchmark: ``.venv/bin/python -m tests.bench.processor [--crashes N] [--workers 1 2]``.

Starts a private PostgreSQL (embedded cluster, schema at head, a year of weekly partitions as
in production), saves N raw crashes the way the collector does, each carrying a realistic
``json_dump`` (by default 4 threads of 60 symbolised frames, 150 modules, one in seven without
symbols, the modules' debug ids those of one of 20 builds; function names drawn from 5,000
with Zipf's law; ``--threads/--frames/--modules/--builds`` change the shape), then runs
``crashstats processor --once --workers W`` on them: the whole pipeline (claim, rules,
siggen, PostgreSQL storage with the queue rows deleted) with the stackwalking step skipped
because the json_dump is there. For each W it prints crashes/s, the per-stage split per crash
(rules, siggen, storage), the CPU per crash of the processor and of PostgreSQL, crashes per
CPU-second, and the peak RSS of a worker.

After the runs, the start-up of a processor run (``--once`` on an empty queue: imports,
connection, siggen's lists), its CPU and peak RSS, and the processor's CPU per crash without it
(counted once: workers are forked after the imports). ``--batch`` fixes the crashes per claim
and per storing transaction (``CRASHSTATS_PROCESSOR_BATCH`` and ``_BATCH_MAX``; by default the
processor's claims grow from 8 to 64 for crashes as quick as these).

Beside it, the ceiling: the rows the processor wrote (reports, processed_crashes,
missing_symbols), read back and written again by one ``COPY`` per table into the same
partitioned tables, timed; the storage stage is compared with it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from pyapp import jsonfast, migrate, partitions  # noqa: E402
from pyapp.db import Database  # noqa: E402
from pyapp.embedded import EmbeddedCluster, free_port  # noqa: E402
from tests.bench.common import cpu_by_title, postgres_background_seconds, process_tree  # noqa: E402
from tests.processor import synthetic  # noqa: E402

TABLES = ("reports", "processed_crashes", "missing_symbols")
#: what the processor writes (extensions: its foreign keys to reports)
WRITTEN = "reports, plugins_reports, extensions, processed_crashes, missing_symbols"
SUMMARY = re.compile(
    r"stored (?P<stored>\d+) crashes in (?P<seconds>[\d.]+)s \((?P<stages>[^)]*) per crash\); "
    r"peak worker RSS (?P<rss>\d+) MB"
)


def save_crashes(url: str, args: argparse.Namespace) -> float:
    """N raw crashes saved (and queued) as the collector does; returns the raw JSON's mean size."""
    rng = random.Random(args.seed)
    now = dt.datetime.now(dt.UTC)
    total = 0
    # a module's identity (debug and code id) is its build's: crashes of one build share them
    builds = [
        [(f"{rng.getrandbits(128):032X}0", f"{rng.getrandbits(160):040x}") for _ in range(args.modules)]
        for _ in range(args.builds)
    ]
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        rows = []
        for _ in range(args.crashes):
            raw = synthetic.raw_crash(rng, now, with_dump=False)
            raw["json_dump"] = synthetic.json_dump(
                rng, threads=args.threads, frames_per_thread=args.frames, modules=args.modules
            )
            for module, (debug_id, code_id) in zip(
                raw["json_dump"]["modules"], rng.choice(builds), strict=True
            ):
                module["debug_id"], module["code_id"] = debug_id, code_id
            total += len(jsonfast.dumps(raw))
            rows.append((raw["uuid"], Jsonb(raw, dumps=jsonfast.dumps), now))
        cur.executemany("SELECT save_raw_crash(%s, %s, %s)", rows)
    return total / args.crashes


def reset(url: str) -> None:
    """Empty the processed tables and queue every crash again as new; then a checkpoint, so that
    a run's PostgreSQL CPU does not include writing out what the benchmark loaded before it.

    The emptied tables are left without statistics, as a week's partition is in production
    until autovacuum first analyzes it. Analyzed while empty (as the benchmark did until 29
    November), the cached plans of the look-ups by crash ID read the whole partition for every
    crash (with no rows estimated, a sequential scan costs nothing) until autovacuum analyzed it
    during the run, and a run's PostgreSQL CPU varied by 2x with when that happened."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {WRITTEN}, processors")
        conn.execute("SELECT queue_crash_processing(array_agg(uuid), 2::smallint) FROM raw_crashes")
        conn.execute("VACUUM ANALYZE raw_crashes, processing_queue")
        conn.execute("CHECKPOINT")


def processor_env(url: str, work: Path, batch: int | None) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_", "destination__"))
    }
    env.update(
        DATABASE_URL=url,
        CRASHSTATS_VAR_DIR=str(work / "var"),
        filesystem__fs_root=str(work / "crashes"),
        CRASHSTATS_LOG_LEVEL="WARNING",
    )
    if batch is not None:
        env["CRASHSTATS_PROCESSOR_BATCH"] = env["CRASHSTATS_PROCESSOR_BATCH_MAX"] = str(batch)
    return env


def startup_cost(url: str, work: Path) -> tuple[float, int]:
    """CPU seconds and peak RSS (MB) of ``crashstats processor --once`` on an empty queue: the
    start (imports, connection, siggen's lists) every run pays once, whatever its crashes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "pyapp.cli.main", "processor", "--once"],
        cwd=ROOT,
        env=processor_env(url, work, None),
        capture_output=True,
        text=True,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"processor failed:\n{done.stderr}")
    rss = re.search(r"peak worker RSS (\d+) MB", done.stdout)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return cpu, int(rss[1]) if rss else 0


def run_processor(
    url: str, workers: int, work: Path, cluster: EmbeddedCluster, batch: int | None = None
) -> dict[str, object]:
    env = processor_env(url, work, batch)
    db_pids = process_tree(cluster.running_pid() or 0)
    titles_before = cpu_by_title(db_pids)
    db_before = sum(titles_before.values())
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pyapp.cli.main", "processor", "--once", "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - began
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"processor failed:\n{done.stderr}")
    match = SUMMARY.search(done.stdout)
    if not match:
        raise SystemExit(f"no summary in the processor's output:\n{done.stdout}\n{done.stderr}")
    stored = int(match["stored"])
    stages = {
        name: float(ms)
        for name, ms in re.findall(r"(\w+) ([\d.]+) ms", match["stages"])
        if name != "stackwalk"
    }
    processor_cpu = (children.ru_utime + children.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    titles_after = cpu_by_title(process_tree(cluster.running_pid() or 0))
    db_cpu = sum(titles_after.values()) - db_before
    background = postgres_background_seconds(titles_before, titles_after)
    return {
        "workers": workers,
        "stored": stored,
        "seconds": float(match["seconds"]),
        "wall": wall,
        "stages": stages,
        "rss_mb": int(match["rss"]),
        "processor_cpu_ms": processor_cpu / stored * 1000,
        "db_cpu_ms": db_cpu / stored * 1000,
        "db_background_ms": background / stored * 1000,
    }


def copy_ceiling(url: str) -> tuple[float, int]:
    """Read the processed rows back, empty the tables, write the rows again with one COPY per
    table (one transaction); returns (seconds of the COPYs and commit, rows of reports)."""
    data: dict[str, bytes] = {}
    with psycopg.connect(url) as conn:
        for table in TABLES:
            buffer = io.BytesIO()
            with conn.cursor().copy(f"COPY (SELECT * FROM {table}) TO STDOUT") as copy:
                for chunk in copy:
                    buffer.write(chunk)
            data[table] = buffer.getvalue()
        conn.execute(f"TRUNCATE {WRITTEN}")
        conn.commit()
        conn.execute("CHECKPOINT")
        began = time.perf_counter()
        for table in TABLES:
            with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                view = memoryview(data[table])
                for start in range(0, len(view), 1 << 20):
                    copy.write(view[start : start + (1 << 20)])
        conn.commit()
        seconds = time.perf_counter() - began
        rows = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    return seconds, rows


def raw_json_dump_cost(url: str) -> tuple[float, float]:
    """What the benchmark's stand-in for the stackwalker costs: its raw crashes carry their
    json_dump (real raw crashes are a few KB of annotations). save_raw_crash keeps it apart as
    JSON text (raw_crashes.json_dump), which PostgreSQL sends with each claimed crash and the
    worker parses (a real worker parses the stackwalker's output instead). Returns the
    milliseconds per crash of (PostgreSQL: reading the raw crashes with their json_dump text
    minus without; the worker: parsing those texts), best of 3."""
    whole = "SELECT raw_crash::text, json_dump FROM raw_crashes"
    bare = "SELECT raw_crash::text, NULL::text FROM raw_crashes"
    timings: dict[str, list[float]] = {whole: [], bare: []}
    parse: list[float] = []
    with psycopg.connect(url) as conn:
        count = conn.execute("SELECT count(*) FROM raw_crashes").fetchone()[0]
        for _ in range(3):
            for query in (whole, bare):
                began = time.perf_counter()
                texts = [row[1] for row in conn.execute(query)]
                timings[query].append(time.perf_counter() - began)
                if query == whole:
                    began = time.perf_counter()
                    for text in texts:
                        if text is not None:
                            jsonfast.loads(text)
                    parse.append(time.perf_counter() - began)
    per = 1000 / max(count, 1)
    return (min(timings[whole]) - min(timings[bare])) * per, min(parse) * per


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.processor", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--crashes", type=int, default=2000, help="crashes per run (default 2000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to run")
    parser.add_argument("--threads", type=int, default=4, help="threads per json_dump (default 4)")
    parser.add_argument("--frames", type=int, default=60, help="frames per thread (default 60)")
    parser.add_argument("--modules", type=int, default=150, help="modules per json_dump (default 150)")
    parser.add_argument(
        "--batch",
        type=int,
        default=None,
        help="CRASHSTATS_PROCESSOR_BATCH and _BATCH_MAX: a fixed batch (default: the processor's, 8 "
        "growing to 64 for quick crashes)",
    )
    parser.add_argument(
        "--builds",
        type=int,
        default=20,
        help="builds the crashes come from (default 20): their modules' debug ids, and so the "
        "missing_symbols rows, are the builds'",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", default=None, help="where to put the database (default: tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="crashstats-bench-processor-", dir=args.dir))
    cluster = EmbeddedCluster(work / "pg", port=free_port())
    print(f"# working in {work}; PostgreSQL on port {cluster.port}; {os.cpu_count()} CPUs", flush=True)
    try:
        cluster.start(create_database=True)
        url = cluster.url()
        migrate.upgrade(url)
        today = dt.date.today()
        with Database(url, component="bench") as db:
            created = partitions.backfill(db, today - dt.timedelta(weeks=52), today + dt.timedelta(weeks=2))
        print(f"# {len(created)} weekly partitions (a year of weeks, as in production)", flush=True)
        size = save_crashes(url, args)
        print(
            f"# {args.crashes} crashes, raw crash with json_dump {size / 1024:.0f} KB each ({args.threads} "
            f"threads x {args.frames} frames, {args.modules} modules)",
            flush=True,
        )
        results = []
        for workers in args.workers:
            reset(url)
            result = run_processor(url, workers, work, cluster, args.batch)
            results.append(result)
            stages = ", ".join(f"{k} {v:.2f} ms" for k, v in result["stages"].items())
            print(
                f"  {workers} worker(s): {result['stored'] / result['seconds']:.0f} crashes/s "
                f"({result['stored']} in {result['seconds']:.1f} s); per crash: {stages}; "
                f"CPU per crash: processor {result['processor_cpu_ms']:.2f} ms, "
                f"PostgreSQL {result['db_cpu_ms']:.2f} ms (of which its background processes: checkpointer, "
                f"writers, autovacuum launcher {result['db_background_ms']:.2f} ms) "
                f"= {1000 / (result['processor_cpu_ms'] + result['db_cpu_ms']):.0f} crashes per CPU-second; "
                f"peak worker RSS {result['rss_mb']} MB",
                flush=True,
            )
        startup_cpu, startup_rss = startup_cost(url, work)
        print(
            f"  start-up of a processor run (--once on an empty queue): {startup_cpu * 1000:.0f} ms of CPU, "
            f"peak RSS {startup_rss} MB; per crash without it: "
            + ", ".join(
                f"{r['workers']} worker(s) processor "
                f"{r['processor_cpu_ms'] - startup_cpu * 1000 / r['stored']:.2f} ms"
                for r in results
            ),
            flush=True,
        )
        copy_seconds, rows = copy_ceiling(url)
        copy_ms = copy_seconds / rows * 1000
        print(
            f"  ceiling: the same rows by one COPY per table: {copy_ms:.2f} ms per crash "
            f"({rows / copy_seconds:.0f} crashes/s)"
        )
        pg_ms, parse_ms = raw_json_dump_cost(url)
        print(
            f"  of which the bench's json_dump inside each raw crash (real raw crashes have none): "
            f"PostgreSQL ~{pg_ms:.2f} ms per crash to send it, the worker ~{parse_ms:.2f} ms to parse it"
        )
        print()
        print(
            "| workers | crashes/s | rules ms | siggen ms | storage ms | storage / COPY "
            "| CPU per crash (processor + pg) | crashes per CPU-s | worker RSS MB |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for r in results:
            stages = r["stages"]
            cpu = r["processor_cpu_ms"] + r["db_cpu_ms"]
            print(
                f"| {r['workers']} | {r['stored'] / r['seconds']:.0f} | {stages.get('rules', 0):.2f} | "
                f"{stages.get('siggen', 0):.2f} | {stages.get('storage', 0):.2f} | "
                f"{stages.get('storage', 0) / copy_ms:.1f}x | "
                f"{r['processor_cpu_ms']:.2f} + {r['db_cpu_ms']:.2f} ms | "
                f"{1000 / cpu:.0f} | {r['rss_mb']} |"
            )
        print(f"| COPY ceiling | {rows / copy_seconds:.0f} | | | {copy_ms:.2f} | 1.0x | | | |")
        print(
            "\n# targets: 300 crashes/s per core, storage within 3x of COPY, worker RSS under 150 MB. "
            "This machine's 2 cores are shared with other work: figures vary from run to run."
        )
    finally:
        cluster.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
