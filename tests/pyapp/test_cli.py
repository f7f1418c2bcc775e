"""The ``crashstats`` command, run as a user runs it: a separate process, its output and exit status."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from pyapp import schema
from pyapp.embedded import free_port
from tests.support import scalar

CRASHSTATS = Path(sys.executable).with_name("crashstats")


def run(*args: str, env: dict[str, str] | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    command = [str(CRASHSTATS)] if CRASHSTATS.exists() else [sys.executable, "-m", "pyapp.cli.main"]
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A clean environment: no database configured, state under a temporary var dir."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_"))}
    clean["CRASHSTATS_VAR_DIR"] = str(tmp_path / "var")
    clean["CRASHSTATS_PG_PORT"] = str(free_port())
    return clean


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int, *fragments: str) -> None:
    assert proc.returncode == code, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_help_lists_the_subcommands(env: dict[str, str]) -> None:
    proc = run("--help", env=env)
    assert proc.returncode == 0
    for name in ("up", "db", "setup", "config", "crontabber", "adi"):
        assert f"\n    {name} " in proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["up"],
        ["db"],
        ["db", "start"],
        ["db", "stop"],
        ["db", "status"],
        ["db", "url"],
        ["db", "psql"],
        ["db", "upgrade"],
        ["db", "downgrade"],
        ["db", "current"],
        ["db", "history"],
        ["db", "revision"],
        ["setup"],
        ["setup", "postgres"],
        ["config"],
        ["config", "show"],
        ["config", "check"],
        ["config", "list"],
        ["crontabber"],
        ["adi"],
        ["adi", "load"],
    ],
)
def test_every_subcommand_has_help(env: dict[str, str], args: list[str]) -> None:
    proc = run(*args, "--help", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: crashstats")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["db", "frobnicate"], "invalid choice: 'frobnicate'"),
        (["db"], "required: ACTION"),
        (["db", "downgrade"], "required: target"),
        (["db", "upgrade", "head", "extra"], "unrecognized arguments: extra"),
        (["setup", "postgres", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(env: dict[str, str], args: list[str], fragment: str) -> None:
    assert_one_line_error(run(*args, env=env), 2, fragment, "see crashstats")


def test_unreachable_database_is_one_line(env: dict[str, str]) -> None:
    env["DATABASE_URL"] = f"postgresql://nobody@127.0.0.1:{free_port()}/breakpad"
    assert_one_line_error(
        run("db", "current", env=env), 69, "cannot connect to PostgreSQL", "Connection refused"
    )


def test_no_database_configured_says_what_to_do(env: dict[str, str]) -> None:
    assert_one_line_error(run("db", "current", env=env), 78, "no database configured", "crashstats db start")


def test_bad_config_exits_naming_the_key(env: dict[str, str], tmp_path: Path) -> None:
    env["CRASHSTATS_PG_PROT"] = "5432"
    assert_one_line_error(run("db", "status", env=env), 78, "CRASHSTATS_PG_PROT: unknown setting")
    del env["CRASHSTATS_PG_PROT"]
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "common.conf").write_text("resource__postgresql__database_port='x'\n")
    assert_one_line_error(
        run("--config-dir", str(conf), "db", "current", env=env),
        78,
        "resource__postgresql__database_port: bad value",
    )


def test_setup_postgres_creates_and_upgrades(env: dict[str, str], pg) -> None:
    name = f"cli_setup_{free_port()}"
    head = schema.head_revision()
    env["DATABASE_URL"] = pg.url(name)
    try:
        proc = run("setup", "postgres", env=env)
        assert proc.returncode == 0, proc.stderr
        assert f"created database {name}" in proc.stdout
        assert f"schema of {name} upgraded from base to {head}" in proc.stdout
        proc = run("setup", "postgres", env=env)
        assert proc.returncode == 0, proc.stderr
        assert f"schema of {name} already at {head}" in proc.stdout
        proc = run("db", "current", env=env)
        assert proc.stdout.strip() == f"{head} (head)"
        with psycopg.connect(pg.url(name)) as conn:
            # one registry row per partitioned parent table (8 core tables + the report pipeline's)
            assert scalar(conn, "SELECT count(*) FROM report_partition_info") == scalar(
                conn, "SELECT count(*) FROM pg_partitioned_table"
            )
            assert scalar(conn, "SELECT count(*) FROM report_partition_info") >= 8
        proc = run("db", "downgrade", "base", env=env)
        assert proc.returncode == 0 and f"from {head} to base" in proc.stdout
        assert run("db", "current", env=env).stdout.startswith("base")
    finally:
        with psycopg.connect(pg.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_db_start_stop_through_the_cli(env: dict[str, str]) -> None:
    try:
        proc = run("db", "start", env=env)
        assert proc.returncode == 0, proc.stderr
        assert "embedded PostgreSQL" in proc.stdout and "running" in proc.stdout
        assert "****" in proc.stdout  # the password is not printed
        status = run("db", "status", env=env)
        assert status.returncode == 0 and "running" in status.stdout
        url = run("db", "url", env=env).stdout.strip()
        with psycopg.connect(url) as conn:
            assert scalar(conn, "SELECT current_database()") == "breakpad"
        up = run("setup", "postgres", env=env)
        assert up.returncode == 0, up.stderr
        assert f"upgraded from base to {schema.head_revision()}" in up.stdout
    finally:
        proc = run("db", "stop", env=env)
    assert proc.returncode == 0 and "stopped" in proc.stdout
    status = run("db", "status", env=env)
    assert status.returncode == 3 and "stopped" in status.stdout


def test_db_start_on_a_busy_port_is_one_line(env: dict[str, str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env["CRASHSTATS_PG_PORT"] = str(busy.getsockname()[1])
        assert_one_line_error(run("db", "start", env=env), 1, "already in use", "CRASHSTATS_PG_PORT")


def test_db_start_refuses_when_a_database_is_configured(env: dict[str, str]) -> None:
    env["DATABASE_URL"] = "postgresql://u@db.example.com/breakpad"
    assert_one_line_error(run("db", "start", env=env), 1, "a database is configured")


def test_config_show_masks_secrets(env: dict[str, str]) -> None:
    env["SECRET_KEY"] = "hunter2"
    env["DATABASE_URL"] = "postgresql://u:pw@db.example.com/breakpad"
    proc = run("config", "show", env=env)
    assert proc.returncode == 0
    assert "hunter2" not in proc.stdout and ":pw@" not in proc.stdout
    assert "SECRET_KEY = ********" in proc.stdout
    assert "database: postgresql://u:****@db.example.com/breakpad" in proc.stdout


def test_revision_with_nothing_changed_is_refused(env: dict[str, str]) -> None:
    assert_one_line_error(run("db", "revision", "-m", "nothing", env=env), 1, "nothing to revise")


def test_db_psql_passes_its_arguments_to_psql(env: dict[str, str], fresh_db: str) -> None:
    env["DATABASE_URL"] = fresh_db
    proc = run("db", "psql", "-At", "-c", "SELECT count(*) FROM os_names", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "4"
