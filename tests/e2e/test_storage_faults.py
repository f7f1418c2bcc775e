"""The dump store failing under the collector (real gunicorn, real PostgreSQL):

* the filesystem dump store's disk full (a tmpfs with a size limit): 503, every answered crash
  whole, nothing half-written, no row without its dumps; more room: 200 again;
* the S3 dump store (moto's server) down: 503 and no orphan rows; back: normal.
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import boto3
import psycopg
import pytest

from pyapp.dumpstore import MAIN_DUMP, FSDumpStore, S3DumpStore
from pyapp.embedded import free_port
from pyapp.submitter import Crash, submit
from tests.e2e.conftest import OwnPostgres, env_for, start_collector
from tests.support import stop_process, wait_for_http
from tests.web.conftest import make_crash


def rows(db_url: str, query: str) -> list[str]:
    with psycopg.connect(db_url) as conn:
        return [str(r[0]) for r in conn.execute(query)]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_answers_503_and_corrupts_nothing(
    own_pg: OwnPostgres, small_disk: Path, tmp_path: Path
) -> None:
    db_url = own_pg.new_database()
    env = env_for(db_url, filesystem__fs_root=str(small_disk), CRASHSTATS_VAR_DIR=str(tmp_path / "var"))
    collector = start_collector(env, tmp_path / "collector.log")
    url = f"http://127.0.0.1:{collector.port}/submit"
    rng = random.Random(7)
    sent: dict[str, Crash] = {}
    statuses: Counter[int] = Counter()
    try:
        for _ in range(60):  # ~60 x 100 KB into 2 MB
            crash = make_crash(rng, dump_size=100_000, extra_dumps=1)
            answer = submit(url, crash)
            statuses[answer.status] += 1
            if answer.crash_id:
                sent[answer.crash_id] = crash
        assert set(statuses) == {200, 503}, statuses
        assert statuses[503] >= 20, statuses

        store = FSDumpStore(small_disk)
        assert set(rows(db_url, "SELECT uuid FROM raw_crashes")) == set(sent)
        assert set(rows(db_url, "SELECT crash_id FROM processing_queue")) == set(sent)
        for crash_id, crash in sent.items():
            for name, data in crash.dumps.items():
                assert store.get_dump(crash_id, name) == data, f"{crash_id} {name} corrupt"
        files = [p for p in small_disk.rglob("*") if p.is_file() and FSDumpStore.SPOOL_DIR not in p.parts]
        assert {p.name.split(".")[0] for p in files} == set(sent), "a dump of a refused crash was kept"
        assert len(files) == 2 * len(sent)
        assert list((small_disk / FSDumpStore.SPOOL_DIR).iterdir()) == []

        # more room: crashes are taken again
        subprocess.run(["mount", "-o", "remount,size=16m", str(small_disk)], check=True)
        crash = make_crash(rng, dump_size=100_000)
        answer = submit(url, crash)
        assert answer.crash_id, answer
        assert store.get_dump(answer.crash_id) == crash.dumps[MAIN_DUMP]
    finally:
        collector.stop()


def start_moto(port: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"},
    )
    log.close()
    wait_for_http("127.0.0.1", port, "/", process)
    return process


def test_s3_down_answers_503_without_orphan_rows(own_pg: OwnPostgres, tmp_path: Path) -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    s3 = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    moto = start_moto(port, tmp_path / "moto.log")
    db_url = own_pg.new_database()
    env = env_for(
        db_url,
        CRASHSTATS_DUMP_STORE="s3",
        CRASHSTATS_DUMP_S3_BUCKET="crashes",
        CRASHSTATS_VAR_DIR=str(tmp_path / "var"),
        **s3,
    )
    collector = None
    try:
        client.create_bucket(Bucket="crashes")
        collector = start_collector(env, tmp_path / "collector.log")
        url = f"http://127.0.0.1:{collector.port}/submit"
        rng = random.Random(8)
        first = submit(url, make_crash(rng, dump_size=5000))
        assert first.crash_id, first

        stop_process(moto)  # S3 unavailable
        for _ in range(5):
            answer = submit(url, make_crash(rng, dump_size=5000))
            assert (answer.status, answer.text) == (503, "Discarded=storage_unavailable")
        assert rows(db_url, "SELECT uuid FROM raw_crashes") == [first.crash_id]
        assert rows(db_url, "SELECT crash_id FROM processing_queue") == [first.crash_id]

        moto = start_moto(port, tmp_path / "moto.log")  # back (moto keeps nothing: a new bucket)
        client.create_bucket(Bucket="crashes")
        crash = make_crash(rng, dump_size=5000)
        again = submit(url, crash)
        assert again.crash_id, again
        assert set(rows(db_url, "SELECT uuid FROM raw_crashes")) == {first.crash_id, again.crash_id}
        store = S3DumpStore("crashes", "", client=client)
        assert store.get_dump(again.crash_id) == crash.dumps[MAIN_DUMP]
    finally:
        if collector is not None:
            collector.stop()
        stop_process(moto)
