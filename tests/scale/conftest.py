"""Past one database server, with real parts: PgBouncer (Debian's ``pgbouncer``) in
transaction pooling mode in front of the test server; a streaming replica made with
``pg_basebackup`` and started as a standby."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from pyapp.embedded import free_port


def pgbouncer_binary() -> str:
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    assert os.path.exists(binary), "pgbouncer is not installed (scripts/install-system-deps installs it)"
    return binary


@dataclass
class Bouncer:
    port: int
    user: str
    password: str
    process: subprocess.Popen
    log_path: Path

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def show(self, what: str) -> list[dict]:
        """``SHOW <what>`` on PgBouncer's admin console."""
        with psycopg.connect(self.url("pgbouncer"), autocommit=True, prepare_threshold=None) as conn:
            cur = conn.execute(f"SHOW {what}")
            names = [c.name for c in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


@pytest.fixture
def pgbouncer(pg, tmp_path: Path) -> Iterator[Bouncer]:
    """PgBouncer on a free port, transaction pooling, 2 server connections per database (far
    fewer than the clients: every client shares them), every database of the test server."""
    target = urlsplit(pg.admin_url)
    user, password = target.username or "postgres", target.password or ""
    work = tmp_path / "pgbouncer"
    work.mkdir()
    port = free_port()
    (work / "userlist.txt").write_text(f'"{user}" "{password}"\n')
    (work / "pgbouncer.ini").write_text(
        f"""[databases]
* = host={target.hostname} port={target.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {work / "userlist.txt"}
admin_users = {user}
pool_mode = transaction
default_pool_size = 2
max_client_conn = 200
server_reset_query =
ignore_startup_parameters = extra_float_digits
"""
    )
    for path in (work, *work.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    command = [pgbouncer_binary(), str(work / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        command[1:1] = ["-u", "postgres"]
        for parent in tmp_path.parents:
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o001)
    log_path = work / "pgbouncer.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    bouncer = Bouncer(port, user, password, process, log_path)
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, bouncer.log()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, bouncer.log()
                time.sleep(0.1)
        yield bouncer
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def with_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit(":", 1)[0] + f":{port}"
    return urlunsplit(parts._replace(netloc=netloc))
