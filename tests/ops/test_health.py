"""/__heartbeat__ and /__lbheartbeat__ of the whole site (real gunicorn, real memcached) and of
a collector node: every check passing, then each one failing for a real reason."""

from __future__ import annotations

import http.client
import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pyapp.embedded import free_port
from pyapp.schema import ROOT
from tests.ops.conftest import clean_env
from tests.site.conftest import Memcached
from tests.support import stop_process, wait_for_http
from tests.web.conftest import make_crash


def get(port: int, path: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def get_page(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("X-Cache", "")
    finally:
        conn.close()


def heartbeat(port: int) -> tuple[int, dict]:
    status, ctype, body = get(port, "/__heartbeat__")
    assert ctype.startswith("application/json")
    return status, json.loads(body)


@pytest.fixture
def memcached(tmp_path: Path) -> Iterator[Memcached]:
    server = Memcached(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def site(fresh_db: str, memcached: Memcached, tmp_path: Path) -> Iterator[int]:
    port = free_port()
    env = clean_env(
        DATABASE_URL=fresh_db,
        CACHE_LOCATION=memcached.location,
        CRASHSTATS_VAR_DIR=str(tmp_path / "var"),
        filesystem__fs_root=str(tmp_path / "dumps"),
        CRASHSTATS_THROTTLE_RULES="accept_all",
        CRASHSTATS_HEARTBEAT_MAX_QUEUE="1",
        CRASHSTATS_DB_POOL_MAX="2",
    )
    log = (tmp_path / "site.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "pyapp.cli.main", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_http("127.0.0.1", port, "/__lbheartbeat__", process)
        yield port
    finally:
        stop_process(process)
        log.close()


def test_site_heartbeat_checks_every_dependency(site: int, fresh_db: str, memcached: Memcached) -> None:
    status, ctype, body = get(site, "/__lbheartbeat__")
    assert (status, body) == (200, b"OK\n") and ctype.startswith("text/plain")

    status, report = heartbeat(site)
    assert status == 200, report
    assert report["status"] == "ok"
    checks = report["checks"]
    assert set(checks) == {"database", "memcached", "dump_store", "queue", "crontabber"}
    assert checks["memcached"]["servers"] == {memcached.location: "ok"}
    assert checks["queue"]["depth"] == 0 and checks["queue"]["oldest_queued_sec"] is None
    assert checks["crontabber"]["jobs_known"] == 0 and checks["crontabber"]["last_success"] is None
    assert checks["dump_store"]["kind"] == "FSDumpStore"

    # two crashes queued: past CRASHSTATS_HEARTBEAT_MAX_QUEUE=1
    rng = random.Random(3)
    from pyapp.submitter import encode_multipart

    for _ in range(2):
        body, ctype = encode_multipart(make_crash(rng, dump_size=1000))
        conn = http.client.HTTPConnection("127.0.0.1", site, timeout=30)
        conn.request("POST", "/submit", body=body, headers={"Content-Type": ctype})
        assert conn.getresponse().read().startswith(b"CrashID=bp-")
        conn.close()
    status, report = heartbeat(site)
    assert status == 500 and report["status"] == "fail"
    assert report["checks"]["queue"] == {**report["checks"]["queue"], "ok": False, "depth": 2}
    assert report["checks"]["database"]["ok"] and report["checks"]["memcached"]["ok"]

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("DELETE FROM processing_queue")
        # a job that last succeeded three hours ago (max age 7200 s)
        conn.execute(
            "INSERT INTO crontabber (app_name, next_run, first_run, last_run, last_success, error_count,"
            " depends_on) VALUES ('health-test', now(), now() - interval '1 day',"
            " now() - interval '3 hours', now() - interval '3 hours', 0, '{}')"
        )
    status, report = heartbeat(site)
    assert status == 500
    crontabber = report["checks"]["crontabber"]
    assert crontabber["ok"] is False and crontabber["jobs_known"] == 1
    assert 3 * 3600 - 60 < crontabber["last_success_age_sec"] < 3 * 3600 + 60
    assert report["checks"]["queue"]["ok"] is True

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("UPDATE crontabber SET last_success = now() WHERE app_name = 'health-test'")
    assert heartbeat(site)[0] == 200

    page = "/crontabber-state/"
    get_page(site, page)
    assert get_page(site, page) == (200, "HIT")
    memcached.kill()
    status, report = heartbeat(site)
    assert status == 500
    assert report["checks"]["memcached"]["ok"] is False
    assert report["checks"]["memcached"]["servers"][memcached.location] != "ok"
    assert [name for name, c in report["checks"].items() if not c["ok"]] == ["memcached"]
    assert get_page(site, page) == (200, "MISS")  # served, uncached
    memcached.start()
    assert heartbeat(site)[0] == 200
    time.sleep(5.5)  # the site leaves a dead memcached alone for 5 s
    get_page(site, page)
    assert get_page(site, page) == (200, "HIT")  # caching resumed


def test_collector_heartbeat_reports_the_database_and_the_dump_store(start_collector, pg, tmp_path) -> None:
    good = start_collector()
    status, report = heartbeat(good.port)
    assert status == 200 and report["checks"]["memcached"] == {"ok": True, "configured": False}

    broken = start_collector(db_url=pg.url("no_such_database"), CRASHSTATS_DB_CONNECT_TIMEOUT="2")
    status, report = heartbeat(broken.port)
    assert status == 500
    assert (
        report["checks"]["database"]["ok"] is False
        and "no_such_database" in report["checks"]["database"]["error"]
    )
    assert report["checks"]["queue"] == {"ok": False, "error": "database unavailable"}
    assert report["checks"]["dump_store"]["ok"] is True

    # the dump store's root replaced by a file: the store cannot be used
    good.dump_root.mkdir(parents=True, exist_ok=True)
    for child in sorted(good.dump_root.rglob("*"), reverse=True):
        child.rmdir() if child.is_dir() else child.unlink()
    good.dump_root.rmdir()
    good.dump_root.write_text("not a directory")
    status, report = heartbeat(good.port)
    assert status == 500 and report["checks"]["dump_store"]["ok"] is False
    assert report["checks"]["database"]["ok"] is True
