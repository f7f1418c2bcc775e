"""End-to-end fault tests on real servers: a PostgreSQL of their own (so it can be restarted),
the collector under gunicorn, processors, a tmpfs dump store that fills up, moto's S3 server
stopped and started again.

``own_pg``: an embedded PostgreSQL cluster for this package only (schema at head, built once),
with ``restart()``; each test takes a fresh database cloned from its ``breakpad`` template.
"""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from pyapp import migrate
from pyapp.demo import live
from pyapp.embedded import EmbeddedCluster, free_port
from pyapp.schema import ROOT
from pyapp.submitter import Crash, SubmitError, submit
from tests.support import stop_process, wait_for_http

_names = itertools.count(1)


@dataclass
class OwnPostgres:
    cluster: EmbeddedCluster

    def url(self, dbname: str) -> str:
        return urlunsplit(urlsplit(self.cluster.url())._replace(path=f"/{dbname}"))

    def new_database(self) -> str:
        name = f"e2e_{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE breakpad')
        return self.url(name)

    def restart(self, down_for: float = 0.0) -> None:
        self.cluster.stop()
        time.sleep(down_for)
        self.cluster.start(create_database=False)


@pytest.fixture(scope="package")
def own_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnPostgres]:
    cluster = EmbeddedCluster(tmp_path_factory.mktemp("e2e-pg"), port=free_port())
    url = cluster.start()
    try:
        migrate.upgrade(url)
        yield OwnPostgres(cluster)
    finally:
        cluster.stop()


#: the collectors' Auth-Token here: the live demo crashes carry a json_dump, which the collector
#: keeps only from an authorised submitter
TOKEN = "e2e-submitter"


def env_for(db_url: str, **settings: str) -> dict[str, str]:
    prefixes = ("CRASHSTATS_", "DATABASE_", "AWS_", "filesystem__", "resource__", "secrets__", "CACHE_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(DATABASE_URL=db_url, CRASHSTATS_THROTTLE_RULES="accept_all", CRASHSTATS_COLLECTOR_TOKENS=TOKEN)
    env.update(settings)
    return env


@dataclass
class Service:
    process: subprocess.Popen
    log_path: Path
    port: int = 0

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        stop_process(self.process)


def start_service(args: list[str], env: dict[str, str], log_path: Path, port: int = 0) -> Service:
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pyapp.cli.main", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = Service(process, log_path, port)
    if port:
        try:
            wait_for_http("127.0.0.1", port, "/__lbheartbeat__", process, timeout=60)
        except RuntimeError as exc:
            stop_process(process)
            raise RuntimeError(f"{exc}\n{service.log()}") from None
    return service


def start_collector(env: dict[str, str], log_path: Path, workers: int = 2) -> Service:
    port = free_port()
    args = ["serve", "--collector-only", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    return start_service(args, env, log_path, port)


@dataclass
class Submissions:
    """What the collector answered, per crash report sent."""

    ids: list[str] = field(default_factory=list)
    refused: list[Crash] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, url: str, crash: Crash) -> None:
        try:
            answer = submit(url, crash, timeout=60, token=TOKEN)
            status = answer.status
        except SubmitError:
            answer, status = None, 0
        with self.lock:
            self.statuses.append(status)
            if answer is not None and answer.crash_id:
                self.ids.append(answer.crash_id)
            else:
                self.refused.append(crash)


def send_all(url: str, crashes: Iterable[Crash], results: Submissions, threads: int = 4) -> None:
    """Send every crash from ``threads`` client threads."""
    pending = list(crashes)
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                crash = pending.pop()
            results.send(url, crash)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def live_crashes(count: int, seed: int) -> list[Crash]:
    return list(live.crashes(count, seed=seed))


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    return random.Random(request.node.name)
