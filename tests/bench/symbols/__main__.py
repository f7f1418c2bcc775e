"""Symbols benchmark: ``.venv/bin/python -m tests.bench.symbols [--files 2000] [--file-kb 100]``.

Starts a private PostgreSQL (embedded cluster, schema at head) and moto's S3 server, writes an
archive of ``--files`` Breakpad .sym files of ``--file-kb`` KB each (default 2,000 x 100 KB: a
200 MB zip, stored) with realistic FILE/FUNC/line records, then measures:

* the upload: :func:`pyapp.symbols.upload.upload_symbols` (read and check every member,
  gzip, skip check, parallel PUTs into moto, the SQL record) in MB/s of the archive, with the
  check + gzip step alone beside it, and the same archive sent again (every file skipped);
* the ceiling: a plain boto3 ``upload_file`` of the same archive bytes into the same moto
  server (one object, boto3's multipart threads);
* the symbol server under gunicorn (``crashstats serve``, 1 worker, 4 threads): latency p50/p99
  of ``GET /symbols/<debug_file>/<debug_id>/<file>.sym`` for files asked for the first time
  (uncached: the look-up in PostgreSQL) and again (the process's look-up cache), in redirect
  mode (302 to a presigned URL) and stream mode (the bytes from S3 through the web), beside
  a GET of the object straight from moto (the store's own latency).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from pyapp import migrate  # noqa: E402
from pyapp.config import load_config  # noqa: E402
from pyapp.db import Database  # noqa: E402
from pyapp.embedded import EmbeddedCluster, free_port  # noqa: E402
from pyapp.symbols.archive import Limits, read_archive  # noqa: E402
from pyapp.symbols.upload import upload_symbols  # noqa: E402
from tests.support import stop_process, wait_for_http  # noqa: E402

WORDS = ["mozilla", "dom", "Element", "GetAttr", "nsTArray", "js", "Interpret", "RunState", "gfx", "Layer"]


def sym_body(rng: random.Random, size: int) -> bytes:
    """FILE, FUNC and line records (realistic text) of about ``size`` bytes."""
    lines = [f"FILE {n} /builds/src/{rng.choice(WORDS)}/{rng.choice(WORDS)}{n}.cpp" for n in range(50)]
    total = sum(len(line) + 1 for line in lines)
    address = 0x1000
    while total < size:
        name = "::".join(rng.choice(WORDS) for _ in range(3))
        line = f"FUNC {address:x} {rng.randrange(16, 400):x} 0 {name}(int, char const*)"
        lines.append(line)
        total += len(line) + 1
        for _ in range(4):
            row = f"{address:x} {rng.randrange(2, 40):x} {rng.randrange(1, 5000)} {rng.randrange(50)}"
            lines.append(row)
            total += len(row) + 1
            address += rng.randrange(2, 40)
    return ("\n".join(lines) + "\n").encode()


def make_archive(path: Path, files: int, file_kb: int) -> list[str]:
    """``files`` .sym files: each its own MODULE/INFO lines over one of 16 bodies."""
    rng = random.Random(10)
    bodies = [sym_body(rng, file_kb * 1024) for _ in range(16)]
    names = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for index in range(files):
            debug_id = f"{rng.getrandbits(128):032X}0"
            debug_file = f"lib{index:05d}.so"
            head = (
                f"MODULE Linux x86_64 {debug_id} {debug_file}\n"
                f"INFO CODE_ID {debug_id[:32]}00000000 {debug_file}\n"
            )
            name = f"{debug_file}/{debug_id}/{debug_file}.sym"
            archive.writestr(name, head.encode() + bodies[index % len(bodies)])
            names.append(name)
    return names


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed_gets(base: str, paths: list[str], headers: dict[str, str] | None = None) -> list[float]:
    """Milliseconds of each GET over one keep-alive connection (bodies read)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    times = []
    try:
        for path in paths:
            started = time.perf_counter()
            conn.request("GET", parts.path.rstrip("/") + path, headers=headers or {})
            response = conn.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            if response.status not in (200, 302):
                raise RuntimeError(f"GET {path}: {response.status}")
    finally:
        conn.close()
    return times


def show(label: str, times: list[float]) -> None:
    print(
        f"  {label:<44} p50 {statistics.median(times):7.2f} ms   p99 {percentile(times, 0.99):7.2f} ms"
        f"   ({len(times)} requests)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--file-kb", type=int, default=100)
    parser.add_argument("--requests", type=int, default=500, help="symbol-server requests per series")
    parser.add_argument("--threads", type=int, default=16, help="CRASHSTATS_SYMBOLS_UPLOAD_THREADS")
    parser.add_argument("--dir", default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="crashstats-bench-symbols-", dir=args.dir))
    cluster = EmbeddedCluster(work / "pg", port=free_port())
    moto_port = free_port()
    processes: list[subprocess.Popen] = []
    print(f"# working in {work}; {os.cpu_count()} CPUs", flush=True)
    try:
        moto_log = (work / "moto.log").open("wb")
        moto = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
            stdout=moto_log,
            stderr=subprocess.STDOUT,
        )
        processes.append(moto)
        wait_for_http("127.0.0.1", moto_port, "/", moto)
        endpoint = f"http://127.0.0.1:{moto_port}"
        cluster.start(create_database=True)
        url = cluster.url()
        migrate.upgrade(url)
        settings = {
            "DATABASE_URL": url,
            "CRASHSTATS_VAR_DIR": str(work / "var"),
            "AWS_ACCESS_KEY": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_ENDPOINT_URL": endpoint,
            "SYMBOLS_BUCKET_DEFAULT_NAME": "bench-symbols",
            "SYMBOLS_BUCKET_DEFAULT_LOCATION": "us-west-2",
            "CRASHSTATS_SYMBOLS_UPLOAD_THREADS": str(args.threads),
        }
        (work / "conf").mkdir()
        config = load_config(environ=settings, config_dir=work / "conf")

        archive = work / "symbols.zip"
        started = time.perf_counter()
        names = make_archive(archive, args.files, args.file_kb)
        size_mb = archive.stat().st_size / 1024**2
        took = time.perf_counter() - started
        print(f"# archive: {args.files} .sym files, {size_mb:.0f} MB ({took:.1f} s to write)")

        # the check + gzip step alone
        started = time.perf_counter()
        with read_archive(archive, limits=Limits.from_config(config)) as checked:
            stored_mb = sum(f.stored_size for f in checked.files) / 1024**2
        check_s = time.perf_counter() - started

        # the ceiling: one boto3 upload_file of the same bytes
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket="bench-ceiling")
        started = time.perf_counter()
        client.upload_file(str(archive), "bench-ceiling", "symbols.zip")
        ceiling_s = time.perf_counter() - started

        # reference: the spooled gzip files PUT by a plain thread pool (no checks, no SQL)
        from concurrent.futures import ThreadPoolExecutor

        from botocore.config import Config as BotoConfig

        pooled = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            region_name="us-east-1",
            config=BotoConfig(max_pool_connections=args.threads),
        )
        pooled.create_bucket(Bucket="bench-plain-puts")
        with read_archive(archive, limits=Limits.from_config(config)) as checked:
            started = time.perf_counter()
            with ThreadPoolExecutor(args.threads) as pool:
                list(
                    pool.map(
                        lambda f: pooled.upload_file(str(f.spool), "bench-plain-puts", f.key), checked.files
                    )
                )
            puts_s = time.perf_counter() - started

        with Database(url, component="bench") as db:
            started = time.perf_counter()
            result = upload_symbols(config, db, user_email="bench@example.org", path=archive)
            upload_s = time.perf_counter() - started
            started = time.perf_counter()
            again = upload_symbols(config, db, user_email="bench@example.org", path=archive)
            again_s = time.perf_counter() - started
        assert result.stored == args.files and again.skipped == args.files

        print("\n## upload")
        rows = [
            (f"upload_symbols (check, gzip, {args.threads} PUT threads, record)", upload_s),
            ("of which check + gzip alone", check_s),
            ("the same archive again (every file skipped)", again_s),
            ("ceiling: boto3 upload_file of the same bytes", ceiling_s),
            (f"reference: the {args.files} gzip files by plain boto3, {args.threads} threads", puts_s),
        ]
        for label, seconds in rows:
            print(f"  {label:<58} {size_mb / seconds:7.1f} MB/s  ({seconds:.1f} s)")
        split = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
        print(f"  ({stored_mb:.0f} MB stored gzip-encoded; upload_symbols: {split})", flush=True)
        print(f"  upload / ceiling: {ceiling_s / upload_s:.2f}x the ceiling's throughput", flush=True)

        # the symbol server
        rng = random.Random(3)
        sample = rng.sample(names, min(args.requests, len(names)))
        paths = ["/symbols/" + n for n in sample]
        print("\n## symbol server (gunicorn, 1 worker x 4 threads; sequential requests, keep-alive)")
        for mode in ("redirect", "stream"):
            port = free_port()
            env = {
                k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "AWS_", "SYMBOLS_"))
            }
            env.update(settings, CRASHSTATS_SYMBOLS_SERVER_MODE=mode)
            log = (work / f"site-{mode}.log").open("wb")
            site = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pyapp.cli.main",
                    "serve",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            processes.append(site)
            wait_for_http("127.0.0.1", port, "/__lbheartbeat__", site)
            base = f"http://127.0.0.1:{port}"
            headers = {"Accept-Encoding": "gzip"} if mode == "stream" else {}
            # warm up: the process opens its database pool and S3 client on the first request
            timed_gets(base, ["/symbols/" + n for n in names if "/symbols/" + n not in paths][:3], headers)
            show(f"{mode}: first request of each file (uncached)", timed_gets(base, paths, headers))
            show(f"{mode}: the same files again (cached look-up)", timed_gets(base, paths, headers))
            stop_process(site)
        presigned = [
            client.generate_presigned_url("get_object", Params={"Bucket": "bench-symbols", "Key": "v1/" + n})
            for n in sample
        ]
        keys = [target[len(endpoint) :] for target in presigned]
        show("ceiling: GET of the object straight from moto", timed_gets(endpoint, keys))
    finally:
        for process in processes:
            stop_process(process)
        cluster.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
