"""``crashstats up`` for real, on free ports in a private var directory: the embedded
PostgreSQL, memcached, demo data, live crashes through the collector and the processor, the
jobs, the site; Ctrl-C (SIGINT) stops everything it started; a second run reuses the data."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from pyapp.embedded import EmbeddedCluster, free_port, port_in_use
from pyapp.schema import ROOT
from tests.auth_fixtures import WebClient
from tests.ops.conftest import clean_env


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Up:
    def __init__(self, var: Path, web_port: int, pg_port: int, *extra: str) -> None:
        var.mkdir(parents=True, exist_ok=True)
        self.out = var / f"up-{time.monotonic_ns()}.out"
        self.log = self.out.open("w")
        env = clean_env(CRASHSTATS_VAR_DIR=str(var), CRASHSTATS_PG_PORT=str(pg_port))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pyapp.cli.main", "up", "--bind", f"127.0.0.1:{web_port}", *extra],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def text(self) -> str:
        return self.out.read_text()

    def wait_until_up(self, timeout: float = 600) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if "crashstats is up:" in text and "stop      Ctrl-C" in text:
                return text
            assert self.process.poll() is None, text
            time.sleep(0.5)
        raise AssertionError(f"not up within {timeout}s:\n{self.text()}")

    def interrupt(self) -> str:
        """Ctrl-C; up stops its children itself (SIGKILL would leave them running)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            assert self.process.wait(120) == 0, self.text()
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.log.close()
        return self.text()


def pids_of(text: str) -> list[int]:
    return [int(line.split("(pid ")[1].rstrip(")")) for line in text.splitlines() if "(pid " in line]


def sign_in_of(text: str) -> tuple[str, str]:
    """(e-mail, password) from up's "sign in" line."""
    line = next(line for line in text.splitlines() if line.strip().startswith("sign in"))
    email = line.split(" as ", 1)[1].split(",", 1)[0]
    password = line.split("password ", 1)[1].split(" ", 1)[0]
    return email, password


def test_up_runs_everything_and_stops_it_and_reuses_the_data(tmp_path: Path) -> None:
    var = tmp_path / "var"
    web_port, pg_port = free_port(), free_port()
    up = Up(var, web_port, pg_port, "--days", "2", "--per-day", "150", "--live", "25", "--real", "2")
    try:
        text = up.wait_until_up()
    except BaseException:
        up.interrupt()
        raise
    try:
        assert "started the embedded PostgreSQL" in text
        assert "loading demo data: 2 days x 150 crashes" in text
        assert "live crashes: 25 sent to" in text and "all processed" in text
        assert "real crashes: 2 dumped and uploaded by the Crashpad client, stackwalked" in text
        assert "jobs: ran" in text
        memcached_line = next(line for line in text.splitlines() if line.startswith("memcached: "))
        memcached = memcached_line.split()[1]
        assert ":" in memcached, memcached_line  # the test machine has memcached

        status, body = get(web_port, "/__heartbeat__")
        report = json.loads(body)
        assert status == 200, report
        assert report["checks"]["memcached"]["servers"] == {memcached: "ok"}
        assert report["checks"]["crontabber"]["jobs_known"] > 0
        status, body = get(web_port, "/home/products/KillerApp")
        assert status == 200 and b"KillerApp" in body
        status, body = get(web_port, "/topcrasher/products/KillerApp/versions/40.0")
        assert status == 200
        status, body = get(web_port, "/api/SuperSearch/?product=KillerApp&_results_number=0&date=>2000-01-01")
        assert status == 200
        # the printed sign-in works: the demo superuser reaches the admin
        sign_in = sign_in_of(text)
        browser = WebClient.of(f"http://127.0.0.1:{web_port}")
        browser.login(sign_in[0], sign_in[1])
        assert browser.get("/admin/users/").status == 200
        with psycopg.connect(EmbeddedCluster(var, port=pg_port).url()) as conn:
            crashes = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
            live = conn.execute(
                "SELECT count(*) FROM reports WHERE date_processed > now() - interval '1 hour'"
            ).fetchone()[0]
            # the real dumps were stackwalked with crashme's symbols: crash_here <- middle_function
            real = conn.execute(
                "SELECT signature FROM reports WHERE date_processed > now() - interval '1 hour'"
                " AND signature LIKE '%%crash_here%%'"
            ).fetchall()
            # the live crashes' json_dump was kept (up's own collector token), not their
            # placeholder dump walked: signatures from its frames, no stackwalker run
            walked = conn.execute(
                "SELECT count(*) FROM reports WHERE date_processed > now() - interval '1 hour'"
                " AND (signature LIKE 'EMPTY%%' OR processor_notes LIKE '%%dropped%%')"
            ).fetchone()[0]
            kept = conn.execute(
                "SELECT count(*) FROM raw_crashes WHERE json_dump IS NOT NULL"
                " AND date_processed > now() - interval '1 hour'"
            ).fetchone()[0]
        assert live == 25 + 2 and crashes == 2 * 150 + 25 + 2
        assert len(real) == 2, real
        assert walked == 0 and kept == 25
    finally:
        text = up.interrupt()
    started = pids_of(text)
    assert len(started) == 3, text  # site, processor, memcached
    for pid in started:
        assert not Path(f"/proc/{pid}").exists()
    assert "stopping the embedded PostgreSQL" in text
    assert not port_in_use(web_port) and not port_in_use(pg_port)

    again = Up(var, web_port, pg_port, "--days", "2", "--per-day", "150", "--live", "25")
    try:
        text = again.wait_until_up()
    except BaseException:
        again.interrupt()
        raise
    try:
        assert "started the embedded PostgreSQL" in text
        assert f"reusing the data already loaded: {2 * 150 + 25 + 2} crashes" in text
        assert "loading demo data" not in text and "live crashes" not in text
        assert sign_in_of(text) == sign_in  # the same demo superuser and password
        assert get(web_port, "/home/products/KillerApp")[0] == 200
    finally:
        text = again.interrupt()
    assert not port_in_use(web_port) and not port_in_use(pg_port)
    assert os.path.isdir(var / "postgres" / "data")
