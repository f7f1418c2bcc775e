"""End-to-end throughput: collector + 2 processors + PostgreSQL on this machine.

    .venv/bin/python -m tests.bench.end_to_end [--seconds 60] [--clients 4] [--processors 2]

Starts its own PostgreSQL (embedded cluster, schema at head), the collector (gunicorn, 2 sync
workers, filesystem dump store) and ``crashstats processor --workers N``. Clients send crash
reports (pyapp.demo.live: a placeholder dump plus a ready json_dump, so no stackwalking) as
fast as they are answered for --seconds while the queue depth is sampled every second; then the
queue drains. Printed:

* queue depth over time (one figure per second);
* the steady-state rate: crashes stored in ``reports`` per second over the middle half of the
  run, beside the collector's intake rate over the same run;
* p50/p95/p99 of the delay from submission (``date_processed``) to processed
  (``completed_datetime``).

Ceilings, measured in the same run: the collector alone (processors stopped) for --seconds/2,
and the processors alone over the backlog that left (``processor --once``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

from pyapp import migrate
from pyapp.demo import live
from pyapp.embedded import EmbeddedCluster, free_port
from pyapp.schema import ROOT
from pyapp.submitter import submit
from tests.e2e.conftest import TOKEN, env_for, start_collector, start_service


def send_for(url: str, seconds: float, clients: int, seed: int) -> int:
    stop = time.monotonic() + seconds
    sent = [0] * clients

    def client(n: int) -> None:
        for crash in live.crashes(10**9, seed=seed * 100 + n):
            if time.monotonic() >= stop:
                return
            if submit(url, crash, token=TOKEN).crash_id:
                sent[n] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(sent)


def value(url: str, query: str) -> float:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.end_to_end")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--processors", type=int, default=2)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-e2e-", dir=ROOT / "var"))
    cluster = EmbeddedCluster(work, port=free_port())
    url = cluster.start()
    try:
        migrate.upgrade(url)
        env = env_for(url, filesystem__fs_root=str(work / "dumps"), CRASHSTATS_VAR_DIR=str(work / "var"))
        collector = start_collector(env, work / "collector.log", workers=2)
        submit_url = f"http://127.0.0.1:{collector.port}/submit"
        try:
            # ceiling 1: the collector alone
            half = max(5, args.seconds // 2)
            took = send_for(submit_url, half, args.clients, seed=1)
            intake_alone = took / half
            # ceiling 2: the processors alone, over that backlog
            began = time.monotonic()
            once = [sys.executable, "-m", "pyapp.cli.main", "processor", "--once"]
            once += ["--workers", str(args.processors)]
            subprocess.run(once, cwd=ROOT, env=env, check=True, capture_output=True)
            processing_alone = took / (time.monotonic() - began)
            base = value(url, "SELECT count(*) FROM reports")

            # the whole pipeline at once
            processor = start_service(
                ["processor", "--workers", str(args.processors)], env, work / "processor.log"
            )
            depths: list[int] = []
            done = threading.Event()

            def sample() -> None:
                while not done.wait(1.0):
                    depths.append(int(value(url, "SELECT count(*) FROM processing_queue")))

            sampler = threading.Thread(target=sample)
            sampler.start()
            started = time.monotonic()
            counts: list[tuple[float, float]] = []

            def count_reports() -> None:
                while not done.is_set():
                    counts.append(
                        (time.monotonic() - started, value(url, "SELECT count(*) FROM reports") - base)
                    )
                    time.sleep(1.0)

            counter = threading.Thread(target=count_reports)
            counter.start()
            sent = send_for(submit_url, args.seconds, args.clients, seed=2)
            while value(url, "SELECT count(*) FROM processing_queue") > 0:
                time.sleep(0.5)
            done.set()
            sampler.join()
            counter.join()
            processor.stop()
        finally:
            collector.stop()

        window = [c for c in counts if args.seconds * 0.25 <= c[0] <= args.seconds * 0.75]
        steady = (window[-1][1] - window[0][1]) / (window[-1][0] - window[0][0]) if len(window) > 1 else 0.0
        delays = sorted(
            r[0]
            for r in psycopg.connect(url).execute(
                "SELECT extract(epoch FROM completed_datetime - date_processed) FROM reports"
                " ORDER BY date_processed DESC LIMIT %s",
                (sent,),
            )
        )
        q = statistics.quantiles(delays, n=100)
        print(f"end to end: collector (2 gunicorn workers) + {args.processors} processors + PostgreSQL, "
              f"{args.clients} clients, {args.seconds} s")  # fmt: skip
        print(f"queue depth per second: {' '.join(str(d) for d in depths)}")
        print(f"sent {sent} crashes ({sent / args.seconds:.0f}/s accepted by the collector)")
        print(f"steady state: {steady:.0f} crashes/s from submission to visible in reports")
        print(f"submission to processed: p50 {q[49]:.2f} s, p95 {q[94]:.2f} s, p99 {q[98]:.2f} s")
        print("ceilings measured in this run:")
        print(f"  collector alone:  {intake_alone:.0f} crashes/s")
        print(f"  processors alone: {processing_alone:.0f} crashes/s")
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
