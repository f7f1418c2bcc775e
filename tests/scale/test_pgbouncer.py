"""Everything through a real PgBouncer in transaction pooling mode (2 server connections shared
by every client): the collector, the processor workers, the job runner and the web site, with
CRASHSTATS_DB_PGBOUNCER=true (no prepared statements, no LISTEN, no startup options)."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from pyapp.embedded import free_port
from pyapp.schema import ROOT
from tests.e2e.conftest import Submissions, env_for, live_crashes, send_all
from tests.ops.conftest import crashstats
from tests.scale.conftest import Bouncer
from tests.support import stop_process, wait_for_http

CRASHES = 60
JOBS = (
    "weekly-reports-partitions",
    "duplicates",
    "reports-clean",
    "product-versions-matview",
    "server-status",
)


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_everything_works_through_pgbouncer_in_transaction_mode(
    pgbouncer: Bouncer, fresh_db: str, start_collector, tmp_path: Path
) -> None:
    dbname = urlsplit(fresh_db).path.lstrip("/")
    url = pgbouncer.url(dbname)
    collector = start_collector(db_url=url, CRASHSTATS_DB_PGBOUNCER="true", CRASHSTATS_DB_POOL_MAX="4")
    results = Submissions()
    send_all(collector.url, live_crashes(CRASHES, seed=5), results, threads=6)
    assert len(results.ids) == CRASHES, collector.log()

    env = env_for(
        url,
        CRASHSTATS_DB_PGBOUNCER="true",
        filesystem__fs_root=str(collector.dump_root),
        CRASHSTATS_VAR_DIR=str(tmp_path / "var"),
    )
    run = crashstats("processor", "--once", "--workers", "3", env=env)
    assert run.returncode == 0, run.stderr
    # jobs whose input this database has (the daily ones need yesterday's data and ADI)
    for job in JOBS:
        run = crashstats("crontabber", "--job", job, "--force", env=env)
        assert run.returncode == 0, run.stderr

    port = free_port()
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
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_http("127.0.0.1", port, "/__lbheartbeat__", site)
        for _ in range(3):  # several requests per worker: each may get another server connection
            status, body = get(port, "/__heartbeat__")
            assert status == 200, body
            status, body = get(port, "/api/SuperSearch/?product=KillerApp&_results_number=0")
            assert status == 200, body
            assert json.loads(body)["total"] == CRASHES
            assert get(port, "/crontabber-state")[0] == 200
            assert get(port, "/status")[0] == 200
    finally:
        stop_process(site)
    assert "prepared statement" not in log_path.read_text() + collector.log()

    with psycopg.connect(fresh_db) as conn:  # directly, not through PgBouncer
        assert conn.execute("SELECT count(DISTINCT uuid) FROM reports").fetchone()[0] == CRASHES
        assert conn.execute("SELECT count(*) FROM processing_queue").fetchone()[0] == 0
        states = dict(conn.execute("SELECT app_name, status FROM crontabber_state").fetchall())
        assert states == dict.fromkeys(JOBS, "ok")
        # no advisory lock outlives its transaction
        assert conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").fetchone()[0] == 0
    # it all went through PgBouncer, on at most 2 server connections
    stats = next(row for row in pgbouncer.show("STATS") if row["database"] == dbname)
    assert stats["total_xact_count"] > CRASHES  # at least one per crash sent
    servers = [row for row in pgbouncer.show("SERVERS") if row["database"] == dbname]
    assert 0 < len(servers) <= 2
