"""Benchmark of the crash page for a crash at the collector's limits: the server CPU one view
costs, beside the target of 200 ms, and the size of the answer.

    .venv/bin/python -m tests.bench.crash_page [--requests 20] [--frames 50000] [--threads 200]
                                               [--database-url URL]

The crash is as big as the collector accepts (web.payload.Limits, the defaults of
CRASHSTATS_COLLECTOR_MAX_ANNOTATIONS and _MAX_PARTS): a token-supplied ``json_dump`` holding
--frames frames (the crashing thread's 30,000 and the rest spread over --threads threads) and
600 modules, plus as many large annotations as the parts left allow, 8 MiB of annotations in
all. It is stored processed (raw crash, processed crash with its json_dump apart, reports row)
in a private PostgreSQL (or --database-url), as the processor leaves it.

One gunicorn server of the whole site (``crashstats serve``, 1 sync worker, no memcached: every
view renders) answers --requests views of each form of the page one after the other, after two
views not counted (template compiling, first plans). The CPU of the server's processes (from
/proc) over the counted views, divided by their number, is the figure; PostgreSQL's CPU (the
backends reading the crash) is shown apart. The forms: the HTML page and its JSON twin,
anonymously and with a token holding view_pii and view_rawdump (whose page shows more).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pyapp import accounts, migrate  # noqa: E402
from pyapp.crashid import ACCEPT, create_crash_id  # noqa: E402
from pyapp.demo import load, model  # noqa: E402
from pyapp.embedded import EmbeddedCluster, free_port  # noqa: E402
from tests.bench.common import cpu_seconds, process_tree  # noqa: E402
from tests.support import stop_process, wait_for_http  # noqa: E402
from web.payload import Limits  # noqa: E402

TARGET_MS = 200.0
CRASHING_FRAMES = 30_000
MODULES = 600
READER = "crash-page-benchmark@example.com"
READER_PERMISSIONS = ["view_pii", "view_rawdump", "view_exploitability"]


def say(message: str) -> None:
    print(message, flush=True)


def frame(n: int, module: int) -> dict:
    """One frame, as small as a stackwalker writes one with a function name: 50,000 of them
    and the annotations must fit the collector's limit together."""
    return {
        "frame": n,
        "module": f"libm{module}.so",
        "function": f"mozilla::Function{n}(int)",
        "module_offset": hex(0x1000 + n),
        "offset": hex(0x7F0000000000 + n),
        "trust": "cfi",
    }


def big_crash(frames: int, threads: int) -> tuple[dict, dict]:
    """(json_dump, the other annotations) of a crash at the collector's limits."""
    limits = Limits()
    others = max(frames - CRASHING_FRAMES, 0)
    per_thread = others // max(threads - 1, 1)
    dump = {
        "status": "OK",
        "crash_info": {"type": "SIGSEGV", "address": "0x0", "crashing_thread": 0},
        "system_info": {"os": "Linux", "cpu_arch": "amd64", "cpu_count": 8},
        "threads": [{"thread_name": "main", "frame_count": min(frames, CRASHING_FRAMES), "frames": []}],
        "modules": [
            {
                "filename": f"libmodule{n}.so",
                "version": "1.0",
                "debug_file": f"libmodule{n}.so",
                "debug_id": f"{n:033X}",
                "base_addr": hex(0x7F0000000000 + n * 0x100000),
                "end_addr": hex(0x7F0000000000 + (n + 1) * 0x100000),
                "missing_symbols": n % 7 == 0,
                "loaded_symbols": n % 7 != 0,
            }
            for n in range(MODULES)
        ],
    }
    dump["threads"][0]["frames"] = [frame(n, n % MODULES) for n in range(min(frames, CRASHING_FRAMES))]
    for t in range(1, threads):
        count = per_thread + (1 if t <= others - per_thread * (threads - 1) else 0)
        dump["threads"].append(
            {
                "thread_name": f"Worker {t}",
                "frame_count": count,
                "frames": [frame(n, t) for n in range(count)],
            }
        )
    dump_bytes = len(json.dumps(dump, separators=(",", ":")))
    # the other parts: one dump file, the json_dump and the three named below take five of the
    # parts a report may carry
    parts = limits.max_parts - 5
    left = limits.max_annotations - dump_bytes
    if left <= parts * 64:
        raise SystemExit(
            f"a json_dump of {frames} frames is {dump_bytes:,} bytes: over the collector's "
            f"{limits.max_annotations:,} bytes of annotations; ask for fewer --frames"
        )
    size = left // parts - 40  # name and JSON quoting of each
    annotations = {f"Annotation{n:03d}": (f"value {n} " * (size // 8 + 1))[:size] for n in range(parts)}
    annotations.update({"ProductName": "KillerApp", "Version": "40.0", "Comments": "piimarker comment"})
    total = dump_bytes + len(json.dumps(annotations, separators=(",", ":")))
    assert total <= limits.max_annotations + 4096, total
    return dump, annotations


def store(url: str, dump: dict, annotations: dict) -> str:
    when = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    crash_id = create_crash_id(when, ACCEPT)
    signature = "mozilla::dom::SomeClass<int>::SomeMethod0"
    crash = model.Crash(
        uuid=crash_id,
        date_processed=when,
        client_crash_date=when,
        product="KillerApp",
        version="40.0",
        build="20261101030000",
        release_channel="release",
        productid="{killerapp@example.com}",
        signature=signature,
        reason="SIGSEGV",
        address="0x0",
        os_name="Linux",
        os_version="6.1",
        cpu_name="amd64",
        cpu_info="family 6",
        uptime=1,
        install_age=1,
        last_crash=None,
        process_type=None,
        hangid=None,
        flash_version=None,
        exploitability="low",
        email="piimarker@example.com",
        url=None,
        user_comments="piimarker comment",
        app_notes=None,
        topmost_filenames=None,
        raw_crash={**annotations, "uuid": crash_id},
    )
    processed = {
        "uuid": crash_id,
        "signature": signature,
        "product": "KillerApp",
        "version": "40.0",
        "date_processed": when.isoformat(),
        "crashedThread": 0,
        "user_comments": "piimarker comment",
    }
    with psycopg.connect(url, row_factory=dict_row) as conn:
        conn.execute("SELECT weekly_report_partitions(0, %s)", (when,))
        load.load_crashes(conn, [crash])
        conn.execute(
            "UPDATE processed_crashes SET processed_crash = %s, json_dump = %s WHERE uuid = %s",
            (json.dumps(processed), json.dumps(dump, separators=(",", ":")), crash_id),
        )
        conn.execute(
            "UPDATE raw_crashes SET json_dump = %s WHERE uuid = %s",
            (json.dumps(dump, separators=(",", ":")), crash_id),
        )
        conn.commit()
    return crash_id


def reader_token(url: str) -> str:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        user_id = accounts.user_id_for(conn, READER) or accounts.create_user(
            conn, READER, None, permissions=READER_PERMISSIONS
        )
        _token_id, token = accounts.create_token(conn, user_id, READER_PERMISSIONS, 1, "crash page benchmark")
    return token


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, int]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, len(response.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="views of each form, counted")
    parser.add_argument("--frames", type=int, default=50_000)
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--database-url", help="a database to use (default: a private cluster)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="crashstats-bench-crash-page-", dir="/tmp"))
    cluster = None
    server = None
    try:
        if args.database_url:
            url = args.database_url
        else:
            cluster = EmbeddedCluster(work / "pg", port=free_port())
            url = cluster.start()
        migrate.upgrade(url)
        load.generate(url, days=1, per_day=20, seed=3)
        dump, annotations = big_crash(args.frames, args.threads)
        crash_id = store(url, dump, annotations)
        sizes = len(json.dumps(dump, separators=(",", ":"))) + len(
            json.dumps(annotations, separators=(",", ":"))
        )
        say(
            f"crash {crash_id}: {args.frames:,} frames in {len(dump['threads'])} threads, {MODULES} modules,"
            f" {len(annotations)} other annotations; {sizes / 1024**2:.1f} MiB of annotations"
            f" (the collector's limit: {Limits().max_annotations / 1024**2:.0f} MiB,"
            f" {Limits().max_parts} parts)"
        )
        port = free_port()
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_", "CACHE_"))
        }
        env.update(
            DATABASE_URL=url,
            CACHE_LOCATION="",
            CACHE_MIDDLEWARE="false",
            CRASHSTATS_VAR_DIR=str(work / "var"),
            CRASHSTATS_LOG_LEVEL="WARNING",
            CRASHSTATS_WEB_STATEMENT_TIMEOUT="30000",
            CRASHSTATS_API_RATE_ANONYMOUS="1000000000",
        )
        with (work / "site.log").open("wb") as log:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pyapp.cli.main",
                    "serve",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_http("127.0.0.1", port, "/__lbheartbeat__", server)
        token = reader_token(url)
        postgres = cluster.running_pid() if cluster is not None else None
        forms = [
            ("HTML, anonymous", f"/report/index/{crash_id}", {}),
            ("JSON, anonymous", f"/report/index/{crash_id}.json", {}),
            ("HTML, view_pii token", f"/report/index/{crash_id}", {"Auth-Token": token}),
            ("JSON, view_pii token", f"/report/index/{crash_id}.json", {"Auth-Token": token}),
        ]
        say(
            f"\nserver CPU per view over {args.requests} views, 1 worker, no cache (target: under"
            f" {TARGET_MS:.0f} ms)"
        )
        say(
            f"{'form':24s} {'server CPU ms':>14s} {'wall p50 ms':>12s} {'wall max ms':>12s}"
            f" {'answer KB':>10s}"
        )
        over = []
        for name, path, headers in forms:
            for _ in range(2):  # not counted: template compiling, first plans
                status, _size = get(port, path, headers)
                if status != 200:
                    raise SystemExit(f"{path}: {status}")
            pids = process_tree(server.pid)
            pg_pids = process_tree(postgres) if postgres else []
            before, pg_before = cpu_seconds(pids), cpu_seconds(pg_pids)
            walls, size = [], 0
            for _ in range(args.requests):
                started = time.perf_counter()
                _status, size = get(port, path, headers)
                walls.append((time.perf_counter() - started) * 1000)
            cpu_ms = (cpu_seconds(pids) - before) * 1000 / args.requests
            pg_ms = (cpu_seconds(pg_pids) - pg_before) * 1000 / args.requests if pg_pids else None
            flag = "" if cpu_ms < TARGET_MS else "over target"
            if flag:
                over.append(name)
            say(
                f"{name:24s} {cpu_ms:14.1f} {statistics.median(walls):12.1f} {max(walls):12.1f}"
                f" {size / 1024:10.0f}   {flag}"
                + (f" (PostgreSQL {pg_ms:.1f} ms)" if pg_ms is not None else "")
            )
        say(f"\nforms over the target: {', '.join(over) if over else 'none'}")
    finally:
        if server is not None:
            stop_process(server)
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
