"""Processor fixtures: a committed database, configurations, raw crashes saved the way the
collector saves them, and helpers to run ``crashstats processor`` as a real process."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pyapp.config import Config, load_config
from pyapp.processor.stackwalker import find_dump_syms
from pyapp.schema import ROOT
from tests.crashpad_fixtures import crash_to_disk

UTC = dt.UTC
#: the reference corpus (../shared beside the checkout in CI; a worktree has it one level up):
#: extended tests read it when it is there, the suite never needs it
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT / "shared"
)


@pytest.fixture(scope="session")
def crashme_dump(crashme: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dump of crashme made by the real Crashpad client (crash_here <- middle_function <- main)."""
    directory = tmp_path_factory.mktemp("crashme-dump")
    path = directory / "crashme.dmp"
    path.write_bytes(crash_to_disk(crashme, directory / "database", {"ProductName": "CrashMe"}))
    return path


@pytest.fixture(scope="session")
def crashme_symbols(crashme: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local symbol store (<debug_file>/<debug_id>/<file>.sym) holding dump_syms' crashme.sym."""
    text = subprocess.run([find_dump_syms(), str(crashme)], capture_output=True, text=True, check=True).stdout
    _, _, _, debug_id, debug_file = text.splitlines()[0].split()
    store = tmp_path_factory.mktemp("symbols")
    target = store / debug_file / debug_id / f"{debug_file}.sym"
    target.parent.mkdir(parents=True)
    target.write_text(text)
    return store


@pytest.fixture
def db(fresh_db: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection (dict rows) to a fresh committed database."""
    with psycopg.connect(fresh_db, row_factory=dict_row, autocommit=True) as conn:
        yield conn


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    return random.Random(request.node.nodeid)


@pytest.fixture
def dump_root(tmp_path: Path) -> Path:
    root = tmp_path / "crashes"
    root.mkdir()
    return root


@pytest.fixture
def processor_settings(fresh_db: str, tmp_path: Path, dump_root: Path) -> dict[str, str]:
    """The settings of a processor on the fresh database and an empty dump store."""
    return {
        "DATABASE_URL": fresh_db,
        "CRASHSTATS_VAR_DIR": str(tmp_path / "var"),
        "filesystem__fs_root": str(dump_root),
        "CRASHSTATS_PROCESSOR_POLL": "1",
    }


@pytest.fixture
def make_config(tmp_path: Path, processor_settings: dict[str, str]) -> Callable[..., Config]:
    """A configuration from the processor settings plus the given ones (no /etc, no env)."""
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir(exist_ok=True)

    def make(**settings: Any) -> Config:
        values = {**processor_settings, **{k: str(v) for k, v in settings.items()}}
        return load_config(environ=values, config_dir=conf_dir)

    return make


def save_raw(
    conn: psycopg.Connection,
    raw: dict[str, Any],
    submitted: dt.datetime | None = None,
    *,
    queue: bool = True,
    priority: int = 2,
) -> str:
    """save_raw_crash() as the collector calls it; returns the crash ID."""
    submitted = submitted or dt.datetime.fromisoformat(raw["submitted_timestamp"])
    conn.execute(
        "SELECT save_raw_crash(%s, %s, %s, %s, %s::smallint)",
        (raw["uuid"], Jsonb(raw), submitted, queue, priority),
    )
    return str(raw["uuid"])


def cli_env(settings: dict[str, str], **extra: str) -> dict[str, str]:
    """The environment of a `crashstats` child process: ours only, nothing inherited that
    configures crashstats."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("CRASHSTATS_", "DATABASE_", "AWS_", "filesystem__", "resource__", "secrets__", "destination__")
        )
        and k not in ("ELASTICSEARCH_URL", "SYMBOLS_PATH")
    }
    env.update(settings)
    env.update(extra)
    return env


def crashstats(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `crashstats ARGS` to completion (text output)."""
    return subprocess.run(
        [sys.executable, "-m", "pyapp.cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_crashstats(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start `crashstats ARGS` in the background, output to ``log``, in a process group of its
    own (its pid is the group: os.killpg reaches it and its workers, as Ctrl-C would)."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "pyapp.cli.main", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
