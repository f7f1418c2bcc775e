"""The collector as a real server, for every test folder (a pytest plugin: see tests/conftest.py).

``start_collector(**settings)`` starts a collector (``crashstats serve --collector-only``, the
real app under gunicorn) on a free port against a fresh clone of the template database and an
empty dump root, waits for ``/__lbheartbeat__`` and returns a
:class:`tests.web.conftest.CollectorServer`; every server it started is stopped (by its pid)
after the test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pyapp.embedded import free_port
from pyapp.schema import ROOT
from tests.support import stop_process, wait_for_http
from tests.web.conftest import CollectorServer


@pytest.fixture
def start_collector(tmp_path: Path, fresh_db: str) -> Iterator[Callable[..., CollectorServer]]:
    started: list[CollectorServer] = []

    def start(
        *, workers: int = 2, threads: int = 1, db_url: str | None = None, **settings: Any
    ) -> CollectorServer:
        port = free_port()
        number = len(started)
        dump_root = tmp_path / f"dumps{number}"
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(
                ("CRASHSTATS_", "DATABASE_", "AWS_", "filesystem__", "resource__", "secrets__")
            )
        }
        env.update(
            DATABASE_URL=db_url or fresh_db,
            filesystem__fs_root=str(dump_root),
            CRASHSTATS_VAR_DIR=str(tmp_path / "var"),
            CRASHSTATS_THROTTLE_RULES="accept_all",
            CRASHSTATS_DB_POOL_MIN="1",
            CRASHSTATS_DB_POOL_MAX="2",
        )
        env.update({k: str(v) for k, v in settings.items()})
        log_path = tmp_path / f"collector{number}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pyapp.cli.main",
                    "serve",
                    "--collector-only",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--threads",
                    str(threads),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = CollectorServer(port, env["DATABASE_URL"], dump_root, process, log_path, env)
        started.append(server)
        try:
            wait_for_http("127.0.0.1", port, "/__lbheartbeat__", process)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{server.log()}") from None
        return server

    yield start
    for server in started:
        stop_process(server.process)
