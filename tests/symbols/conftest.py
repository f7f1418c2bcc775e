"""Symbols fixtures: .sym texts and archives of every kind (good and hostile), a configuration
against moto's S3 server (two buckets, two users' exceptions) and a fresh committed database,
and crashes that lacked symbols, stored the way the processor stores them."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pyapp.config import Config, load_config
from pyapp.crashid import ACCEPT, create_crash_id
from pyapp.db import Database
from pyapp.embedded import free_port
from pyapp.schema import ROOT
from tests.support import stop_process, wait_for_http


def debug_id(n: int = 0) -> str:
    """A well-formed Breakpad debug id (32 hex digits and an age)."""
    return uuid.UUID(int=0xABCDEF0123456789 * (n + 1) % 2**128).hex.upper() + "0"


def sym_text(debug_file: str = "libfoo.so", ident: str | None = None, body_lines: int = 20) -> bytes:
    ident = ident or debug_id()
    lines = [
        f"MODULE Linux x86_64 {ident} {debug_file}",
        f"INFO CODE_ID {ident[:32]}0000 {debug_file}",
        "FILE 0 /src/foo.c",
    ]
    lines += [f"FUNC {0x1000 + 16 * i:x} 10 0 function_{i}" for i in range(body_lines)]
    return ("\n".join(lines) + "\n").encode()


def tree_name(debug_file: str, ident: str) -> str:
    from pyapp.symbols.archive import sym_filename

    return f"{debug_file}/{ident}/{sym_filename(debug_file)}"


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def make_tar(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def settings(
    fresh_db: str, s3_env: dict[str, str], tmp_path: Path, request: pytest.FixtureRequest
) -> dict[str, str]:
    """Symbol settings: moto, a default bucket (made when first used) in us-west-2, and the
    seed's exception syntax for two users (wildcards; one with its own location)."""
    tag = f"{os.getpid()}-{abs(hash(request.node.nodeid)) % 10**6}"
    return {
        "DATABASE_URL": fresh_db,
        "CRASHSTATS_VAR_DIR": str(tmp_path / "var"),
        "AWS_ACCESS_KEY": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_ENDPOINT_URL": s3_env["AWS_ENDPOINT_URL"],
        "SYMBOLS_BUCKET_DEFAULT_NAME": f"symbols-default-{tag}",
        "SYMBOLS_BUCKET_DEFAULT_LOCATION": "us-west-2",
        "SYMBOLS_BUCKET_EXCEPTIONS": (
            f"*@example.biz:symbols-biz-{tag}, *@domain.*:symbols-dom-{tag}|eu-west-1"
        ),
    }


@pytest.fixture
def make_config(settings: dict[str, str], tmp_path: Path) -> Callable[..., Config]:
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir(exist_ok=True)

    def make(**extra: Any) -> Config:
        return load_config(environ={**settings, **{k: str(v) for k, v in extra.items()}}, config_dir=conf_dir)

    return make


@pytest.fixture
def database(fresh_db: str) -> Iterator[Database]:
    with Database(fresh_db, component="test", min_size=1, max_size=2) as db:
        yield db


@pytest.fixture
def conn(fresh_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(fresh_db, row_factory=dict_row, autocommit=True) as connection:
        yield connection


def store_crash_lacking(
    conn: psycopg.Connection, when: dt.datetime, modules: list[tuple[str, str]], *, missing: bool = True
) -> str:
    """A raw and a processed crash of ``when`` whose json_dump lists ``modules`` (debug_file,
    debug_id) without symbols, and their missing_symbols rows, as the processor writes them."""
    crash_id = create_crash_id(when, ACCEPT)
    conn.execute("SELECT weekly_report_partitions(0, %s)", (when,))
    raw = {"uuid": crash_id, "ProductName": "CrashMe", "Version": "1.0"}
    conn.execute("SELECT save_raw_crash(%s, %s, %s, false)", (crash_id, Jsonb(raw), when))
    mods = [
        {
            "filename": f,
            "debug_file": f,
            "debug_id": i,
            "missing_symbols": missing,
            "loaded_symbols": not missing,
        }
        for f, i in modules
    ]
    processed = {
        "uuid": crash_id,
        "product": "CrashMe",
        "version": "1.0",
        "signature": "crashme@0x1234",
        "date_processed": when.isoformat(),
        "json_dump": {"status": "OK", "modules": mods, "threads": []},
    }
    missing_rows = [{"debug_file": f, "debug_id": i, "code_file": f, "code_id": None} for f, i in modules]
    conn.execute(
        "SELECT write_processed_crash(%s, %s, %s, %s)",
        (crash_id, Jsonb(processed), Jsonb(missing_rows if missing else []), when),
    )
    return crash_id


def bucket_keys(client: Any, bucket: str) -> list[str]:
    try:
        listing = client.list_objects_v2(Bucket=bucket)
    except client.exceptions.NoSuchBucket:
        return []
    return sorted(o["Key"] for o in listing.get("Contents", []))


# --- real HTTP ---------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def fetch(
    url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> Answer:
    """One real HTTP request, redirects not followed; header names in lower case."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


def multipart(
    filename: str, data: bytes, field: str = "file", extra: dict[str, str] | None = None
) -> tuple[bytes, dict[str, str]]:
    """A multipart/form-data body with one file part (and ``extra`` text fields before it)."""
    boundary = uuid.uuid4().hex
    fields = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in (extra or {}).items()
    )
    body = (
        fields
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(len(body)),
    }


@dataclass
class SiteServer:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def start_site(tmp_path: Path, settings: dict[str, str]) -> Iterator[Callable[..., SiteServer]]:
    """The whole site (`crashstats serve`: pages, symbol server, uploads, collector) under
    gunicorn on a free port, with the symbol settings plus the given ones."""
    started: list[SiteServer] = []

    def start(**extra: Any) -> SiteServer:
        port = free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(
                ("CRASHSTATS_", "DATABASE_", "AWS_", "SYMBOLS_", "filesystem__", "resource__")
            )
        }
        env.update(settings)
        env.update(
            filesystem__fs_root=str(tmp_path / "crashes"),
            CRASHSTATS_THROTTLE_RULES="accept_all",
            CRASHSTATS_DB_POOL_MIN="1",
            CRASHSTATS_DB_POOL_MAX="4",
        )
        env.update({k: str(v) for k, v in extra.items()})
        log_path = tmp_path / f"site{len(started)}.log"
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
                    "1",
                    "--threads",
                    "4",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = SiteServer(f"http://127.0.0.1:{port}", process, log_path)
        started.append(server)
        try:
            wait_for_http("127.0.0.1", port, "/__lbheartbeat__", process)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{server.log()}") from None
        return server

    yield start
    for server in started:
        stop_process(server.process)
