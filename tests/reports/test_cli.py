"""crashstats demo generate and crashstats reports, end to end through the command line."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import psycopg
import pytest

from pyapp.demo import model
from pyapp.embedded import free_port
from tests.pyapp.test_cli import assert_one_line_error, run
from tests.reports.conftest import report_days
from tests.support import scalar


@pytest.fixture
def cli_env(tmp_path: Path, fresh_db: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_"))}
    clean.update(
        CRASHSTATS_VAR_DIR=str(tmp_path / "var"),
        CRASHSTATS_PG_PORT=str(free_port()),
        DATABASE_URL=fresh_db,
        CRASHSTATS_LOG_LEVEL="WARNING",
    )
    return clean


def test_demo_generate_then_reports_by_hand(cli_env: dict[str, str], fresh_db: str) -> None:
    last = report_days()[-1]
    proc = run(
        "demo",
        "generate",
        "--days",
        "2",
        "--per-day",
        "300",
        "--seed",
        "4",
        "--end-date",
        str(last),
        env=cli_env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        "loaded 600 crashes" in proc.stdout
        and f"reports built for {last - dt.timedelta(days=1)} .. {last}" in proc.stdout
    )
    with psycopg.connect(fresh_db) as conn:
        assert scalar(conn, "SELECT count(*) FROM products") == 5
        assert (
            scalar(conn, "SELECT count(*) FROM product_versions")
            == model.product_version_count(model.build_catalog(last - dt.timedelta(days=1), last))
            == 40
        )
        assert scalar(conn, "SELECT count(*) FROM reports") == 600
        assert scalar(conn, "SELECT count(*) FROM matview_runs WHERE report_date = %s", (last,)) >= 25
        assert (
            scalar(conn, "SELECT count(*) FROM reports WHERE email LIKE %s", (f"{model.PII_MARKER}-%",)) > 0
        )
        assert scalar(conn, "SELECT count(*) FROM signatures WHERE signature LIKE %s", ("%<%&%",)) > 0
        tcbs = scalar(conn, "SELECT sum(report_count) FROM tcbs WHERE report_date = %s", (last,))
    proc = run("reports", "daily", str(last), env=cli_env)
    assert proc.returncode == 0, proc.stderr
    assert "update_tcbs" in proc.stdout and "already done" in proc.stdout and "total" in proc.stdout
    proc = run("reports", "daily", str(last), "--replace", "--step", "update_tcbs", env=cli_env)
    assert proc.returncode == 0 and proc.stdout.count("update_") == 1 and " done" in proc.stdout
    proc = run("reports", "daily", str(last), "--replace", "--jobs", "3", env=cli_env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(" done") >= 25 and "elapsed (--jobs 3)" in proc.stdout
    proc = run("reports", "backfill", str(last), str(last), env=cli_env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f"reports rebuilt for {last} .. {last}" in proc.stdout
    with psycopg.connect(fresh_db) as conn:
        assert scalar(conn, "SELECT sum(report_count) FROM tcbs WHERE report_date = %s", (last,)) == tcbs
    # the same seed loads the same crashes into another database: the generator is deterministic
    again = model.CrashFactory(model.build_catalog(last - dt.timedelta(days=1), last), 4, 300)
    uuids = sorted(c.uuid for c in again.crashes(last, 300))
    with psycopg.connect(fresh_db) as conn:
        stored = sorted(
            r[0]
            for r in conn.execute(
                "SELECT uuid FROM reports WHERE date_processed >= %s",
                (dt.datetime.combine(last, dt.time(), tzinfo=dt.UTC),),
            )
        )
    assert stored == uuids


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["reports", "backfill", "2026-02-30"], 2, "not a date"),
        (["reports", "backfill", "2026-02-03", "2026-02-01"], 2, "before FIRST"),
        (["reports", "daily", "2026-02-01", "--step", "update_nothing"], 2, "not a step of the report chain"),
        (["demo", "generate", "--days", "0"], 2, "must be 1 or more"),
        (["reports", "daily", "2026-02-01", "--jobs", "0"], 2, "must be 1 or more"),
        (["reports", "backfill", "2020-01-01", "2020-01-02"], 1, "no ADI loaded yet for 2020-01-01 .."),
        (["reports", "backfill", "2020-01-01"], 1, "no ADI loaded yet for 2020-01-01 .. "),
        (["reports", "backfill", "2999-01-01"], 1, "2999-01-01 is not over"),
    ],
)
def test_bad_arguments_are_one_line_errors(
    cli_env: dict[str, str], args: list[str], code: int, fragment: str
) -> None:
    assert_one_line_error(run(*args, env=cli_env), code, fragment)
