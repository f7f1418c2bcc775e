"""Collector benchmark: ``.venv/bin/python -m tests.bench.collector [--seconds S] [--runs N]``.

Starts a private PostgreSQL (embedded cluster, schema at head) and, one after the other, two
gunicorn servers with the same configuration (2 workers, sync by default): the collector
(``web.wsgi:collector``, filesystem dump store, every crash accepted, so each is fsynced and
committed with its queue row before the answer) and the ceiling (tests/bench/collector/
ceiling.py: read the body, write it to one file, fsync, answer). N concurrent clients post
realistic crashes as Crashpad sends them (300 KB minidump, 40 annotations, gzip, chunked).
A third server, the floor (tests/bench/collector/floor.py), is the ceiling plus the two steps
no collector can leave out, done the cheapest way: inflating the gzip body and committing one
row to PostgreSQL before the answer (``--no-floor`` skips it). Its rate is an upper bound of any
collector's on this machine. Runs are interleaved (the servers in turn, 8 then 32 clients) and
each figure is the median of the runs. It prints crashes/s and p50/p99 latency beside the
ceiling, and the floor's rate as a share of the ceiling's.

``--levers`` first prints the per-crash cost of each step in this process (body encodings,
multipart parsers, gunzip libraries, hashing, durable writes, the database transaction), the
figures behind the collector's choices.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from pyapp import migrate  # noqa: E402
from pyapp.dumpstore import MAIN_DUMP  # noqa: E402
from pyapp.embedded import EmbeddedCluster, free_port  # noqa: E402
from pyapp.submitter import Crash, encode_multipart  # noqa: E402
from tests.bench.common import cpu_seconds, process_tree  # noqa: E402
from tests.support import stop_process, wait_for_http  # noqa: E402
from tests.web.conftest import ANNOTATION_NAMES, fake_dump  # noqa: E402

DUMP_SIZE = 300 * 1024


def realistic_crash(rng: random.Random) -> Crash:
    annotations = {
        "ProductName": "KillerApp",
        "Version": "1.0",
        "ReleaseChannel": "release",
        "BuildID": "20261128000000",
        "guid": "aa97b819-308d-f24b-a36f-326e0bfe6d4a",
        "prod": "KillerApp",
    }
    names = iter([*ANNOTATION_NAMES, *(f"Extra{n}" for n in range(40))])
    while len(annotations) < 40:
        name = next(names)
        annotations.setdefault(name, f"{name}-{rng.randrange(10**9)}-" + "x" * rng.randrange(4, 60))
    return Crash(annotations, {MAIN_DUMP: fake_dump(rng, DUMP_SIZE)})


def crashpad_request(crash: Crash, port: int, rng: random.Random) -> bytes:
    """The bytes Crashpad would send: gzip body, chunked, no Content-Length, guid in the query."""
    body, ctype = encode_multipart(crash)
    gz = gzip.compress(body, 6)
    chunks = bytearray()
    for i in range(0, len(gz), 16384):
        piece = gz[i : i + 16384]
        chunks += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    chunks += b"0\r\n\r\n"
    head = (
        f"POST /submit?guid=aa97b819-308d-f24b-a36f-326e0bfe6d4a HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "User-Agent: Crashpad/0.8.0 libcurl/7.88.1\r\nAccept: */*\r\nConnection: close\r\n"
        "Content-Encoding: gzip\r\n"
        f"Content-Type: {ctype}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    return head + bytes(chunks)


@dataclass
class Result:
    target: str
    clients: int
    crashes: int
    seconds: float
    latencies: list[float]
    errors: int
    app_cpu: float = 0.0
    db_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.crashes / self.seconds

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def load(
    port: int, requests: list[bytes], clients: int, seconds: float
) -> tuple[int, list[float], int, float]:
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        nonlocal errors
        index = number
        mine: list[float] = []
        bad = 0
        start_gate.wait()
        while time.monotonic() < stop:
            data = requests[index % len(requests)]
            index += clients
            began = time.perf_counter()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                    sock.sendall(data)
                    reply = b""
                    while chunk := sock.recv(65536):
                        reply += chunk
            except OSError:
                bad += 1
                continue
            if b" 200 " not in reply[:20] or b"CrashID=bp-" not in reply:
                bad += 1
                continue
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    start_gate.wait()
    began = time.monotonic()
    for t in threads:
        t.join()
    return len(latencies), latencies, errors, time.monotonic() - began


def set_aside(dumps: Path, ceiling_dir: Path, done: Path) -> None:
    """Move the last run's dumps and ceiling files out of the way, to be deleted at the end.

    Deleting them here would be measured in the next run: ext4 without a journal (this
    machine's root filesystem) skips inodes deleted in the last minutes when it allocates one,
    checking each, so every new file and directory would pay for the thousands just deleted.
    The collector allocates more inodes per crash than the ceiling (spool file, radix
    directories), so deleting between runs penalises it for the benchmark's own cleanup.

    The collector keeps running, so after its first run it remembers the day's radix
    directories as durable and no longer fsyncs their parents when it makes them again: later
    runs do a little less directory work than a real first hour of a day (they did with the
    deletion too)."""
    done.mkdir(exist_ok=True)
    for directory in (dumps, ceiling_dir):
        if directory.exists():
            directory.rename(done / f"{directory.name}-{len(list(done.iterdir()))}")
    ceiling_dir.mkdir(parents=True)


class Server:
    def __init__(self, app: str, env: dict[str, str], workers: int, threads: int, log: Path) -> None:
        self.port = free_port()
        worker_class = "gthread" if threads > 1 else "sync"
        command = [
            sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers), "--threads", str(threads), "--worker-class", worker_class,
            "--no-control-socket", "--timeout", "120", "--keep-alive", "2", "--log-level", "warning",
        ]  # fmt: skip
        self.log = log.open("ab")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_http("127.0.0.1", self.port, "/__lbheartbeat__", self.process)

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()


def run_benchmark(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="crashstats-bench-", dir=args.dir))
    cluster = EmbeddedCluster(work / "var", port=free_port())
    print(f"# working in {work}; PostgreSQL on port {cluster.port}", flush=True)
    servers: list[Server] = []
    try:
        cluster.start(create_database=True)
        url = cluster.url()
        migrate.upgrade(url)
        if args.levers:
            from tests.bench.collector.levers import print_database_levers

            print_database_levers(url)
        base_env = {k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_"))}
        dumps = work / "dumps"
        ceiling_dir = work / "ceiling"
        collector_env = {
            **base_env,
            "DATABASE_URL": url,
            "filesystem__fs_root": str(dumps),
            "CRASHSTATS_THROTTLE_RULES": "accept_all",
            # the load generator cycles through a fixed set of requests: with the duplicate check
            # on, every repeat would take the duplicate path (no dump written, no row stored)
            "CRASHSTATS_COLLECTOR_DEDUP_WINDOW": "0",
            "CRASHSTATS_LOG_LEVEL": "WARNING",
            "CRASHSTATS_DB_POOL_MIN": "1",
            "CRASHSTATS_DB_POOL_MAX": str(max(2, args.threads)),
        }
        ceiling_env = {
            **base_env,
            "BENCH_CEILING_DIR": str(ceiling_dir),
            "BENCH_CEILING_FSYNC": "0" if args.no_fsync_ceiling else "1",
        }
        ceiling_dir.mkdir(parents=True)
        rng = random.Random(1)
        crashes = [realistic_crash(rng) for _ in range(24)]
        collector = Server(
            "web.wsgi:collector", collector_env, args.workers, args.threads, work / "collector.log"
        )
        servers.append(collector)
        ceiling = Server(
            "tests.bench.collector.ceiling:app", ceiling_env, args.workers, args.threads, work / "ceiling.log"
        )
        servers.append(ceiling)
        targets = {"collector": collector, "ceiling": ceiling}
        if not args.no_floor:
            from tests.bench.collector.floor import create_table

            create_table(url)
            floor_env = {**ceiling_env, "DATABASE_URL": url}
            floor = Server(
                "tests.bench.collector.floor:app", floor_env, args.workers, args.threads, work / "floor.log"
            )
            servers.append(floor)
            targets["floor"] = floor
        requests = {name: [crashpad_request(c, s.port, rng) for c in crashes] for name, s in targets.items()}
        size = sum(len(r) for r in requests["collector"]) // len(requests["collector"])
        print(f"# {len(crashes)} distinct crashes, {size} bytes on the wire each (gzip, chunked)", flush=True)
        print(
            f"# gunicorn {args.workers} workers x {args.threads} threads, {args.seconds:.0f} s per run, "
            f"{args.runs} interleaved runs per figure",
            flush=True,
        )
        results: list[Result] = []
        # warm up both (imports, pools, first partition)
        for name, server in targets.items():
            load(server.port, requests[name], 2, 1.0)
        for run in range(args.runs):
            for clients in args.clients:
                names = list(targets)
                for name in names if run % 2 == 0 else names[::-1]:
                    # every run starts on an empty day; the last run's files are moved aside,
                    # not deleted (see set_aside)
                    set_aside(dumps, ceiling_dir, work / "done")
                    app_pids = process_tree(targets[name].process.pid)
                    db_pids = process_tree(cluster.running_pid() or 0)
                    app_before, db_before = cpu_seconds(app_pids), cpu_seconds(db_pids)
                    count, latencies, errors, seconds = load(
                        targets[name].port, requests[name], clients, args.seconds
                    )
                    result = Result(name, clients, count, seconds, latencies, errors)
                    result.app_cpu = (cpu_seconds(app_pids) - app_before) / max(count, 1) * 1000
                    result.db_cpu = (cpu_seconds(db_pids) - db_before) / max(count, 1) * 1000
                    results.append(result)
                    print(
                        f"  run {run + 1} {name:9s} {clients:2d} clients: {result.rate:6.1f} crashes/s "
                        f"p50 {result.pct(50):6.1f} ms p99 {result.pct(99):6.1f} ms errors {errors} "
                        f"cpu/crash: app {result.app_cpu:.1f} ms, postgres {result.db_cpu:.1f} ms",
                        flush=True,
                    )
        print()
        floor_head = " floor crashes/s | floor / ceiling |" if "floor" in targets else ""
        print(
            "| clients | collector crashes/s | p50 ms | p99 ms "
            f"| ceiling crashes/s | p50 ms | p99 ms | ratio |{floor_head}"
        )
        print("|---|---|---|---|---|---|---|---|" + ("---|---|" if floor_head else ""))
        for clients in args.clients:
            row = {}
            for name in targets:
                mine = [r for r in results if r.target == name and r.clients == clients]
                row[name] = (
                    statistics.median(r.rate for r in mine),
                    statistics.median(r.pct(50) for r in mine),
                    statistics.median(r.pct(99) for r in mine),
                )
            (c_rate, c50, c99), (x_rate, x50, x99) = row["collector"], row["ceiling"]
            floor_cells = (
                f" {row['floor'][0]:.1f} | {100 * row['floor'][0] / x_rate:.0f}% |" if floor_head else ""
            )
            print(
                f"| {clients} | {c_rate:.1f} | {c50:.1f} | {c99:.1f} | {x_rate:.1f} | {x50:.1f} | {x99:.1f} "
                f"| {100 * c_rate / x_rate:.0f}% |{floor_cells}"
            )
        errors = sum(r.errors for r in results)
        print(f"\n# failed requests: {errors}")
    finally:
        for server in servers:
            server.stop()
        cluster.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.collector", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one run")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs per figure (median)")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (>1: gthread)")
    parser.add_argument(
        "--no-floor",
        action="store_true",
        help="skip the floor (floor.py: the ceiling plus inflating the body and committing one row)",
    )
    parser.add_argument("--no-fsync-ceiling", action="store_true", help="a ceiling that does not fsync")
    parser.add_argument("--levers", action="store_true", help="print the per-step costs first")
    parser.add_argument("--dir", default=None, help="where to put the database and the dumps (default: tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    args = parser.parse_args()
    if args.levers:
        from tests.bench.collector.levers import print_levers

        print_levers()
    run_benchmark(args)


if __name__ == "__main__":
    main()
