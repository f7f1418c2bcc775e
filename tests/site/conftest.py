"""Fixtures of the web site tests, shared by every module of this package (built once):

* ``site_data``: a clone of the template database with 3 days of demo crashes ending
  yesterday (so every page's default window has data), the report chain run over them, plus
  hand-made rows: a processed crash whose signature, frames and annotations carry ``<script>``,
  quotes and ``&`` and every kind of private data; a crash received but not processed; a bug
  linked to a signature; a crontabber job and a server_status snapshot;
* ``memcached``: the real memcached binary on a free port (can be killed and restarted);
* ``site``: the whole app under gunicorn (``crashstats serve``, 2 workers) against both, with
  a short statement timeout; ``site.get(path)`` makes a real HTTP request.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pyapp.crashid import ACCEPT, create_crash_id
from pyapp.demo import load, model
from pyapp.embedded import free_port
from pyapp.schema import ROOT
from tests.clock import CLOCK
from tests.conftest import cloned_database
from tests.support import stop_process, wait_for_http

ARTIFACTS = ROOT / "tests" / "artifacts"
SEED = 5
PER_DAY = 600
STATEMENT_TIMEOUT_MS = 2000

NASTY_SIGNATURE = "nasty<script>alert(\"sig\")</script> & 'quoted' | std::vector<int>::at"
NASTY_NOTE = '<script>alert("note")</script> & "quotes" \'single\''
SECRET_EMAIL = "piimarker-nasty@crashstats-demo.invalid"
SECRET_URL = "https://piimarker-nasty.crashstats-demo.invalid/secret?a=1&b=2"
SECRET_COMMENT = f"It broke <b>again</b> & again, mail me at {SECRET_EMAIL} or see {SECRET_URL}"


@dataclass
class SiteData:
    url: str
    days: list[dt.date]
    nasty_id: str
    pending_id: str
    bug_id: int
    top_product: str
    top_version: str
    top_signature: str


def nasty_processed_crash(crash_id: str, when: dt.datetime) -> dict:
    frames = [
        {
            "frame": n,
            "module": "libxul.so" if n else "<script>evil.so",
            "function": f"mozilla::Foo<int>::Bar&lt;{n}> & <script>alert({n})</script>",
            "file": "hg:hg.example.org/src:dom/<b>Element</b>.cpp:abc",
            "line": 100 + n,
            "module_offset": hex(0x1000 + n),
            "offset": hex(0x7F000000 + n),
            "trust": "context" if n == 0 else "cfi",
        }
        for n in range(4)
    ]
    return {
        "uuid": crash_id,
        "crash_id": crash_id,
        "signature": NASTY_SIGNATURE,
        "product": "KillerApp",
        "version": "40.0",
        "build": "20261101030000",
        "release_channel": "release",
        "os_name": "Linux",
        "os_version": "0.0.0 Linux 6.1.0",
        "cpu_name": "amd64",
        "cpu_info": "family 6 model 85 stepping 7 | 8",
        "reason": "SIGSEGV /SEGV_MAPERR",
        "address": "0x0",
        "uptime": 42,
        "install_age": 1000,
        "email": SECRET_EMAIL,
        "url": SECRET_URL,
        "user_id": "piimarker-userid",
        "user_comments": SECRET_COMMENT,
        "exploitability": "high",
        "app_notes": NASTY_NOTE,
        "processor_notes": "demo processor & <notes>",
        "date_processed": when.isoformat(),
        "crashedThread": 0,
        "memory_info": {"piimarker": "memory"},
        "json_dump": {
            "status": "OK",
            "crash_info": {"type": "SIGSEGV", "address": "0x0", "crashing_thread": 0},
            "system_info": {"os": "Linux", "os_ver": "6.1", "cpu_arch": "amd64", "cpu_count": 8},
            "sensitive": {"exploitability": "high", "piimarker": "sensitive"},
            "threads": [
                {"frame_count": 4, "thread_name": "<main>", "frames": frames},
                {"frame_count": 2, "thread_name": "worker & co", "frames": frames[:2]},
            ],
            "modules": [
                {
                    "filename": "libxul.so",
                    "version": "40.0",
                    "debug_file": "libxul.so",
                    "debug_id": "0123456789ABCDEF0123456789ABCDEF0",
                    "base_addr": "0x7f0000000000",
                    "end_addr": "0x7f0001000000",
                    "loaded_symbols": True,
                }
            ],
        },
    }


def load_extra_rows(url: str, day: dt.date) -> tuple[str, str, int]:
    when = dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)
    nasty_id = create_crash_id(when, ACCEPT)
    pending_id = create_crash_id(when + dt.timedelta(hours=1), ACCEPT)
    bug_id = 424242
    processed = nasty_processed_crash(nasty_id, when)
    raw = {
        "ProductName": "KillerApp",
        "Version": "40.0",
        "Notes": NASTY_NOTE,
        "Email": SECRET_EMAIL,
        "URL": SECRET_URL,
        "Comments": SECRET_COMMENT,
        "guid": "piimarker-guid",
        "uuid": nasty_id,
    }
    with psycopg.connect(url, row_factory=dict_row) as conn:
        crash = model.Crash(
            uuid=nasty_id,
            date_processed=when,
            client_crash_date=when - dt.timedelta(seconds=5),
            product="KillerApp",
            version="40.0",
            build="20261101030000",
            release_channel="release",
            productid="{killerapp@example.com}",
            signature=NASTY_SIGNATURE,
            reason="SIGSEGV /SEGV_MAPERR",
            address="0x0",
            os_name="Linux",
            os_version="0.0.0 Linux 6.1.0",
            cpu_name="amd64",
            cpu_info="family 6 | 8",
            uptime=42,
            install_age=1000,
            last_crash=None,
            process_type=None,
            hangid=None,
            flash_version=None,
            exploitability="high",
            email=SECRET_EMAIL,
            url=SECRET_URL,
            user_comments=SECRET_COMMENT,
            app_notes=NASTY_NOTE,
            topmost_filenames=None,
            raw_crash=raw,
        )
        load.load_crashes(conn, [crash])
        # the stackwalker's output apart from the document, as the processor stores it
        dump = processed.pop("json_dump", None)
        conn.execute(
            "UPDATE processed_crashes SET processed_crash = %s, json_dump = %s WHERE uuid = %s",
            (Jsonb(processed), None if dump is None else json.dumps(dump), nasty_id),
        )
        conn.execute(
            "SELECT save_raw_crash(%s, %s, %s, false)",
            (pending_id, Jsonb({"ProductName": "KillerApp", "Version": "40.0", "uuid": pending_id}), when),
        )
        conn.execute(
            "INSERT INTO bugs (id, status, resolution, short_desc) VALUES (%s, 'NEW', '', 'a bug')", (bug_id,)
        )
        conn.execute(
            "INSERT INTO bug_associations (signature, bug_id) VALUES (%s, %s), (%s, %s)",
            (NASTY_SIGNATURE, bug_id, 'js::Interpret(JSContext*, js::RunState&) | <script "a & b">', bug_id),
        )
        conn.execute(
            "INSERT INTO server_status (date_recently_completed, date_oldest_job_queued, avg_process_sec,"
            " avg_wait_sec, waiting_job_count, processors_count, date_created)"
            " VALUES (now() - interval '1 minute', now() - interval '5 minutes', 0.5, 12, 3, 2,"
            "         now() - interval '5 minutes'),"
            " (now(), now() - interval '2 minutes', 0.4, 10, 7, 2, now())"
        )
        conn.commit()
    return nasty_id, pending_id, bug_id


@pytest.fixture(scope="package")
def site_data(pg, template_db: str) -> Iterator[SiteData]:
    with cloned_database(pg, template_db, "crashstats_site") as url:
        last = CLOCK.days_ago(1)
        days = [last - dt.timedelta(days=2), last - dt.timedelta(days=1), last]
        load.generate(url, days=len(days), per_day=PER_DAY, seed=SEED, last_day=last)
        nasty_id, pending_id, bug_id = load_extra_rows(url, days[1])
        with psycopg.connect(url, row_factory=dict_row) as conn:
            conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
            conn.commit()
            top = conn.execute(
                "SELECT product_name::text AS p, version_string::text AS v FROM home_page_graph_view"
                " WHERE report_date = %s AND product_name = 'KillerApp' ORDER BY report_count DESC LIMIT 1",
                (last,),
            ).fetchone()
            signature = conn.execute(
                "SELECT signature FROM top_crashers WHERE product_name = %s AND version_string = %s"
                " AND end_date = %s AND days = 7 AND crash_type = 'all' AND os_name = 'any'"
                " AND date_range_type = 'report' ORDER BY rank LIMIT 1",
                (top["p"], top["v"], last),
            ).fetchone()["signature"]
        yield SiteData(url, days, nasty_id, pending_id, bug_id, top["p"], top["v"], signature)


class Memcached:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("memcached")
        assert binary, "memcached is not installed (scripts/install-system-deps installs it)"
        command = [binary, "-l", "127.0.0.1", "-p", str(self.port), "-m", "32", "-U", "0"]
        if os.geteuid() == 0:
            command += ["-u", "root"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                import socket

                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("memcached did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    @property
    def location(self) -> str:
        return f"127.0.0.1:{self.port}"


@pytest.fixture(scope="package")
def memcached(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Memcached]:
    server = Memcached(tmp_path_factory.mktemp("memcached"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class SiteServer:
    port: int
    process: subprocess.Popen
    log_path: Path
    data: SiteData
    memcached: Memcached

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(
        self, path: str, *, method: str = "GET", body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return Response(
                response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            )
        finally:
            conn.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.data.url, row_factory=dict_row, autocommit=True)


@contextlib.contextmanager
def run_site(site_data: SiteData, memcached: Memcached, work: Path, **extra_env: str) -> Iterator[SiteServer]:
    """The whole site under gunicorn (2 workers) over ``site_data``; ``extra_env`` adds or
    overrides settings (a second server with other limits)."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("CRASHSTATS_", "DATABASE_", "AWS_", "filesystem__", "resource__", "secrets__", "CACHE_")
        )
    }
    env.update(
        DATABASE_URL=site_data.url,
        CACHE_LOCATION=memcached.location,
        CACHE_KEY_PREFIX="sitetest",
        CRASHSTATS_VAR_DIR=str(work / "var"),
        filesystem__fs_root=str(work / "dumps"),
        CRASHSTATS_THROTTLE_RULES="accept_all",
        CRASHSTATS_WEB_STATEMENT_TIMEOUT=str(STATEMENT_TIMEOUT_MS),
        CRASHSTATS_DB_POOL_MIN="1",
        CRASHSTATS_DB_POOL_MAX="2",
        # the page tests call the API far more than 10 times a minute from one address
        CRASHSTATS_API_RATE_ANONYMOUS="100000",
        CRASHSTATS_API_RATE_USER="100000",
        SECRET_KEY="site-test-secret-key-not-for-production",
    )
    env.update(extra_env)
    log_path = work / "site.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
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
    server = SiteServer(port, process, log_path, site_data, memcached)
    try:
        wait_for_http("127.0.0.1", port, "/__lbheartbeat__", process)
    except RuntimeError as exc:
        stop_process(process)
        raise RuntimeError(f"{exc}\n{server.log()}") from None
    try:
        yield server
    finally:
        stop_process(process)


@pytest.fixture(scope="package")
def site(
    site_data: SiteData, memcached: Memcached, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SiteServer]:
    with run_site(site_data, memcached, tmp_path_factory.mktemp("site")) as server:
        yield server


def page_urls(data: SiteData) -> dict[str, str]:
    """Every page, by a short name (screenshots are saved under it)."""
    from urllib.parse import quote

    last = data.days[-1]
    p, v = data.top_product, data.top_version
    sig = quote(data.top_signature, safe="")
    nasty = quote(NASTY_SIGNATURE, safe="")
    return {
        "home": "/home/products/KillerApp",
        "home_build": "/home/products/KillerApp?date_range_type=build&days=14",
        "home_no_adi": "/home/products/Thunderbolt",
        "topcrasher": f"/topcrasher/products/{p}/versions/{v}",
        "topcrasher_filtered": f"/topcrasher/products/{p}/versions/{v}/crash_type/browser/os_name/Windows"
        "?days=3",
        "daily": f"/daily?p={p}&v={v}",
        "daily_os": f"/daily?p={p}&v={v}&os=Windows&os=Linux",
        "daily_type": f"/daily?p={p}&v={v}&report_type=crash&report_type=content",
        "daily_build": "/daily?p=KillerApp&v=43.0a1&date_range_type=build",
        "signature": f"/report/list?signature={sig}&product={p}&version={v}",
        "signature_graph": f"/report/list?signature={sig}&product={p}&version={v}&tab=graph",
        "signature_reports": f"/report/list?signature={sig}&tab=reports",
        "signature_comments": f"/report/list?signature={nasty}&tab=comments&range_value=7",
        "signature_urls": f"/report/list?signature={nasty}&tab=urls",
        "signature_bugs": f"/report/list?signature={nasty}&tab=bugs",
        "signature_nasty": f"/report/list?signature={nasty}",
        "crash": f"/report/index/{data.nasty_id}",
        "gccrashes": "/gccrashes/products/KillerApp",
        "explosive": f"/explosive/?date={last}",
        "crontabber": "/crontabber-state/",
        "status": "/status/",
        "ranks_by_bug": f"/topcrasher_ranks_bybug?bug_id={data.bug_id}",
        "search": f"/search/?product=KillerApp&_facets=platform&_facets=signature&_histogram.date=version"
        f"&_cardinality.signature=1&date=>={data.days[0]}",
        "search_form": "/search/",
    }


#: pages drawing a graph when they have data
GRAPH_PAGES = {
    "home",
    "home_build",
    "topcrasher_x",
    "daily",
    "daily_os",
    "daily_type",
    "daily_build",
    "signature_graph",
    "gccrashes",
    "explosive",
    "status",
    "search",
}
