"""Symbols fixtures: .sym texts and archives of every kind (good and hostile), a configuration
against moto's S3 server (two buckets, two users' exceptions) and a fresh committed database,
and crashes that lacked symbols, stored the way the processor stores them."""

from __future__ import annotations

import datetime as dt
import io
import os
import tarfile
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pyapp.config import Config, load_config
from pyapp.crashid import ACCEPT, create_crash_id
from pyapp.db import Database


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
