"""The web reads from a real streaming replica (``pg_basebackup`` + standby) when
DATABASE_READ_URL is set; writes stay on the primary; pages say how stale the replica is once
its lag passes CRASHSTATS_REPLICA_LAG_NOTICE (replay paused on the standby to make it lag)."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pyapp import migrate
from pyapp.embedded import EmbeddedCluster, free_port
from pyapp.schema import ROOT
from tests.e2e.conftest import Submissions, env_for, live_crashes, send_all
from tests.scale.conftest import with_port
from tests.support import stop_process, wait_for_http

SMALL = {"shared_buffers": "'32MB'", "max_connections": "50"}


class Replicated:
    def __init__(self, work: Path) -> None:
        self.primary = EmbeddedCluster(work / "primary", port=free_port(), extra_settings=SMALL)
        self.standby = EmbeddedCluster(work / "standby", port=free_port())
        self.url = self.primary.start()
        migrate.upgrade(self.url)
        if self.standby.as_root:
            self.standby._prepare_dirs_for_os_user()
        else:
            self.standby.root.mkdir(parents=True)
        self.primary._run(
            ["pg_basebackup", "-D", str(self.standby.datadir), "-R", "-X", "stream", "-c", "fast",
             "-d", self.primary.url("postgres")],
            timeout=300,
        )  # fmt: skip
        self.standby._run(
            ["pg_ctl", "start", "-w", "-t", "60", "-D", str(self.standby.datadir),
             "-l", str(self.standby.logfile), "-o", f"-p {self.standby.port}"],
        )  # fmt: skip
        self.read_url = with_port(self.url, self.standby.port)

    def stop(self) -> None:
        self.standby._run(
            ["pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.standby.datadir)], check=False
        )
        self.primary.stop()


@pytest.fixture
def replicated(tmp_path: Path) -> Iterator[Replicated]:
    pair = Replicated(tmp_path)
    try:
        yield pair
    finally:
        pair.stop()


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def search_total(port: int) -> int:
    status, body = get(port, "/api/SuperSearch/?product=KillerApp&_results_number=0")
    assert status == 200, body
    return json.loads(body)["total"]


def wait_until(predicate, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def test_pages_read_from_the_replica_and_say_when_it_lags(replicated: Replicated, tmp_path: Path) -> None:
    port = free_port()
    env = env_for(
        replicated.url,
        DATABASE_READ_URL=replicated.read_url,
        CRASHSTATS_REPLICA_LAG_NOTICE="3",
        CRASHSTATS_VAR_DIR=str(tmp_path / "var"),
        filesystem__fs_root=str(tmp_path / "dumps"),
        CRASHSTATS_CACHE_LIVE_TTL="0",
        CRASHSTATS_LOG_LEVEL="DEBUG",
    )
    log_path = tmp_path / "site.log"
    with log_path.open("wb") as log:
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
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_http("127.0.0.1", port, "/__lbheartbeat__", site)
        # crashes sent to the site's collector are written to the primary...
        results = Submissions()
        send_all(f"http://127.0.0.1:{port}/submit", live_crashes(10, seed=1), results, threads=2)
        assert len(results.ids) == 10, log_path.read_text()
        processed = subprocess.run(
            [sys.executable, "-m", "pyapp.cli.main", "processor", "--once"], cwd=ROOT, env=env, check=False
        )
        assert processed.returncode == 0
        # ...and the pages, reading the replica, show them once it replayed them
        wait_until(lambda: search_total(port) == 10, what="the replica to show 10 crashes")
        with psycopg.connect(replicated.read_url, autocommit=True) as standby:
            readers = standby.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'crashstats-web-read'"
            ).fetchone()[0]
            assert readers >= 1  # the web's read pool is on the standby
            assert standby.execute("SELECT pg_is_in_recovery()").fetchone()[0] is True
            status, page = get(port, "/crontabber-state/")
            assert status == 200 and "behind" not in page

            # the replica stops replaying: new crashes are on the primary only, the pages lag
            standby.execute("SELECT pg_wal_replay_pause()")
            more = Submissions()
            send_all(f"http://127.0.0.1:{port}/submit", live_crashes(5, seed=2), more, threads=1)
            assert len(more.ids) == 5
            subprocess.run(
                [sys.executable, "-m", "pyapp.cli.main", "processor", "--once"], cwd=ROOT, env=env, check=True
            )
            with psycopg.connect(replicated.url) as primary:
                assert primary.execute("SELECT count(*) FROM reports").fetchone()[0] == 15
            time.sleep(6)  # past the 3 s threshold and the 5 s lag check interval
            assert search_total(port) == 10
            status, page = get(port, "/crontabber-state/")
            assert status == 200
            lag = standby.execute(
                "SELECT replica_lag_sec, pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text,"
                " pg_is_wal_replay_paused() FROM health_status()"
            ).fetchone()
            assert "read from a replica that is" in page and "behind" in page, (
                lag,
                log_path.read_text()[-3000:],
            )

            standby.execute("SELECT pg_wal_replay_resume()")
            wait_until(lambda: search_total(port) == 15, what="the replica to catch up")
            wait_until(
                lambda: "read from a replica" not in get(port, "/crontabber-state/")[1],
                what="the notice to go once the replica caught up",
            )
    finally:
        stop_process(site)
