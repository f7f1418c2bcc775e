"""``crashstats setup admin`` and ``crashstats partitions ...`` run as a user runs them."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import psycopg
import pytest

from tests.clock import SuiteClock
from tests.pyapp.test_cli import assert_one_line_error, run
from tests.sql.partition_helpers import REGISTRY
from tests.sql.test_weekly_partitions import SEED_STATEMENT
from tests.support import scalar


@pytest.fixture
def env(tmp_path: Path, fresh_db: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_"))}
    clean["CRASHSTATS_VAR_DIR"] = str(tmp_path / "var")
    clean["DATABASE_URL"] = fresh_db
    return clean


def partition_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return scalar(conn, "SELECT count(*) FROM weekly_partitions")


@pytest.mark.parametrize(
    "args",
    [
        ["setup", "admin"],
        ["partitions"],
        ["partitions", "list"],
        ["partitions", "create"],
        ["partitions", "drop-old"],
        ["partitions", "truncate"],
        ["partitions", "check"],
        ["partitions", "engine"],
    ],
)
def test_every_partition_command_has_help(env: dict[str, str], args: list[str]) -> None:
    proc = run(*args, "--help", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: crashstats")


def test_setup_admin_creates_current_and_upcoming_partitions(env: dict[str, str], fresh_db: str) -> None:
    dry = run("setup", "admin", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert len(lines) == len(REGISTRY) * 3 and all(
        re.fullmatch(r"would create \w+ for the week of [\d-]+ \(native\)", x) for x in lines
    )
    assert partition_count(fresh_db) == 0

    proc = run("setup", "admin", env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-2:] == [
        f"{3 * len(REGISTRY)} partitions created",
        f"PARTITIONS OK - {len(REGISTRY)} tables have this week's partition and at least 2 upcoming",
    ]
    assert sum(x.startswith("created ") for x in lines) == 3 * len(REGISTRY)
    assert partition_count(fresh_db) == 3 * len(REGISTRY)

    again = run("setup", "admin", env=env)
    assert again.returncode == 0
    assert again.stdout.splitlines()[0] == "nothing to create: the weeks have partitions"
    assert partition_count(fresh_db) == 3 * len(REGISTRY)

    listed = run("partitions", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line.split() for line in listed.stdout.splitlines()[1:]}
    assert set(rows) == set(REGISTRY)
    assert rows["reports"][1:3] == ["native", "3"]
    assert "after 26 weeks (CRASHSTATS_PARTITION_TRUNCATE_WEEKS)" in listed.stdout
    one = run("partitions", "list", "reports", env=env)
    assert len(one.stdout.splitlines()) == 3
    assert all(
        re.match(r"reports_\d{8} +week of [\d-]+ +\[[\d-]+ 00:00 UTC, ", x) for x in one.stdout.splitlines()
    )


def test_setup_admin_partitions_a_registered_table_with_rows(env: dict[str, str], fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as conn:
        # 58 rows, one a day: the table the seed's statement registers may already have rows
        days = [dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC) + dt.timedelta(days=i) for i in range(58)]
        conn.cursor().executemany(
            "INSERT INTO reports_duplicates (uuid, duplicate_of, date_processed) VALUES (%s, 'u0', %s)",
            [(f"u{i}", day) for i, day in enumerate(days)],
        )
        conn.execute(SEED_STATEMENT)
    proc = run("setup", "admin", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1].startswith(f"PARTITIONS OK - {len(REGISTRY) + 1} tables")
    with psycopg.connect(fresh_db) as conn:
        assert scalar(conn, "SELECT count(*) FROM reports_duplicates") == 58
        weeks = {day.date() - dt.timedelta(days=day.weekday()) for day in days}
        assert scalar(conn, "SELECT count(DISTINCT tableoid) FROM reports_duplicates") == len(weeks)
        assert (
            scalar(
                conn,
                "SELECT count(*) FROM reports_duplicates r JOIN weekly_partitions w "
                "ON w.partition_name = r.tableoid::regclass::text "
                "AND r.date_processed >= w.range_from AND r.date_processed < w.range_to",
            )
            == 58
        )


def test_one_table_in_trouble_is_reported_and_the_others_are_done(env: dict[str, str], fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as conn:
        conn.execute("CREATE VIEW dup_view AS SELECT uuid FROM reports_duplicates")
        conn.execute(SEED_STATEMENT)
    for args in (["setup", "admin"], ["partitions", "create"]):
        proc = run(*args, env=env)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        trouble = [x for x in proc.stdout.splitlines() if x.startswith("no weekly partitions made for ")]
        assert trouble == [
            "no weekly partitions made for reports_duplicates: "
            "cannot partition reports_duplicates: view dup_view "
            "(hint: drop or move them, then rerun weekly_report_partitions(); "
            "or DELETE FROM report_partition_info WHERE table_name = 'reports_duplicates')"
        ]
    assert partition_count(fresh_db) == 3 * len(REGISTRY)
    check = run("partitions", "check", env=env)
    assert check.returncode == 2
    assert check.stdout.strip() == "PARTITIONS CRITICAL - reports_duplicates is not a partitioned table"


def test_check_exit_status_is_nagios(env: dict[str, str]) -> None:
    proc = run("partitions", "check", env=env)
    assert proc.returncode == 2 and proc.stdout.startswith("PARTITIONS CRITICAL - reports has no partition")
    assert run("partitions", "create", env=env).returncode == 0
    assert run("partitions", "check", env=env).returncode == 0
    proc = run("partitions", "check", "--weeks", "5", "reports", env=env)
    assert proc.returncode == 1
    assert proc.stdout.strip() == "PARTITIONS WARNING - reports has 2 upcoming weekly partitions (want 5)"
    env["CRASHSTATS_PARTITION_WEEKS_AHEAD"] = "4"
    assert run("partitions", "check", env=env).returncode == 1
    assert run("partitions", "create", env=env).returncode == 0
    assert run("partitions", "check", env=env).returncode == 0


def test_create_backfill_drop_and_truncate(env: dict[str, str], fresh_db: str, clock: SuiteClock) -> None:
    today = clock.today()
    old = today - dt.timedelta(days=800)
    start = old - dt.timedelta(days=old.weekday())
    dry = run(
        "partitions",
        "create",
        "--from",
        str(start),
        "--to",
        str(start + dt.timedelta(days=8)),
        "--dry-run",
        env=env,
    )
    assert dry.returncode == 0, dry.stderr
    assert len(dry.stdout.splitlines()) == 2 * len(REGISTRY) and partition_count(fresh_db) == 0
    made = run(
        "partitions",
        "create",
        "--from",
        str(start),
        "--to",
        str(start + dt.timedelta(days=8)),
        "--table",
        "raw_crashes",
        env=env,
    )
    assert made.stdout.splitlines() == [
        f"created raw_crashes_{start:%Y%m%d}",
        f"created raw_crashes_{start + dt.timedelta(days=7):%Y%m%d}",
        "2 partitions created",
    ]
    assert run("partitions", "create", env=env).returncode == 0
    with psycopg.connect(fresh_db) as conn:
        conn.execute(
            "INSERT INTO raw_crashes (uuid, raw_crash, date_processed) VALUES (gen_random_uuid(), '{}', %s)",
            (dt.datetime.combine(start, dt.time(5), tzinfo=dt.UTC),),
        )

    truncate = run("partitions", "truncate", "--dry-run", env=env)
    assert truncate.stdout.splitlines() == [
        f"would truncate raw_crashes_{start:%Y%m%d} (raw_crashes, week of {start})",
        "1 partitions would truncate",
    ]
    drop = run("partitions", "drop-old", "--dry-run", env=env)
    assert drop.returncode == 0, drop.stderr
    second = start + dt.timedelta(days=7)
    assert drop.stdout.splitlines()[:2] == [
        f"would drop raw_crashes_{start:%Y%m%d} (raw_crashes, week of {start})",
        f"would drop raw_crashes_{second:%Y%m%d} (raw_crashes, week of {second})",
    ]
    assert partition_count(fresh_db) == 2 + 3 * len(REGISTRY)

    refused = run("partitions", "drop-old", "--cutoff", str(today - dt.timedelta(days=60)), env=env)
    assert_one_line_error(refused, 1, "less than 12 months back", "nothing dropped", "--force")
    assert partition_count(fresh_db) == 2 + 3 * len(REGISTRY)

    done = run("partitions", "truncate", env=env)
    assert done.stdout.splitlines()[-1] == "1 partitions truncated"
    dropped = run("partitions", "drop-old", "--months", "13", env=env)
    assert dropped.stdout.splitlines()[-1].startswith("2 partitions dropped (cutoff ")
    assert partition_count(fresh_db) == 3 * len(REGISTRY)
    forced = run(
        "partitions",
        "drop-old",
        "--table",
        "reports",
        "--cutoff",
        str(today + dt.timedelta(days=60)),
        "--force",
        "--dry-run",
        env=env,
    )
    assert forced.returncode == 0 and forced.stdout.splitlines()[-1].startswith("3 partitions would drop")


def test_engine_command(env: dict[str, str], fresh_db: str) -> None:
    shown = run("partitions", "engine", env=env)
    assert shown.stdout.splitlines()[:2] == ["database default: native", "reports: native"]
    assert_one_line_error(run("partitions", "engine", "default", env=env), 2, "applies to one --table")
    assert_one_line_error(run("partitions", "engine", "foo", env=env), 2, "invalid choice")
    proc = run("partitions", "engine", "pg_partman", "--table", "raw_crashes", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "partition engine of raw_crashes: pg_partman"
    assert (
        run("partitions", "engine", "--table", "raw_crashes", env=env).stdout.strip()
        == "raw_crashes: pg_partman"
    )
    assert run("setup", "admin", env=env).returncode == 0
    with psycopg.connect(fresh_db) as conn:
        assert (
            scalar(conn, "SELECT count(*) FROM weekly_partitions WHERE partition_name LIKE 'raw_crashes_p%'")
            >= 3
        )


def test_usage_errors_are_one_line(env: dict[str, str]) -> None:
    assert_one_line_error(
        run("partitions", "create", "--from", "2024-01-01", env=env), 2, "--from and --to go together"
    )
    assert_one_line_error(
        run("partitions", "create", "--table", "reports", env=env), 2, "--table needs --from"
    )
    assert_one_line_error(run("partitions", "create", "--weeks", "-1", env=env), 2, "must be 0 or more")
    assert_one_line_error(run("partitions", "drop-old", "--cutoff", "soon", env=env), 2, "not a date")
    assert_one_line_error(
        run("partitions", "create", "--from", "2024-02-01", "--to", "2024-01-01", env=env),
        1,
        "start date on or before the end date",
    )


def test_a_long_backfill_commits_every_13_weeks(fresh_db: str) -> None:
    from pyapp import partitions
    from pyapp.db import Database

    start = dt.date(2023, 1, 2)
    with Database(fresh_db, max_size=1) as db:
        names = partitions.backfill(db, start, start + dt.timedelta(weeks=30), "raw_crashes")
        assert names == [f"raw_crashes_{start + dt.timedelta(weeks=w):%Y%m%d}" for w in range(31)]
        assert partitions.backfill(db, start, start + dt.timedelta(weeks=30), "raw_crashes") == []
    with psycopg.connect(fresh_db) as conn:
        # one transaction per 13-week window: three commits, so three different xmin values
        windows = scalar(
            conn,
            "SELECT count(DISTINCT c.xmin::text) FROM weekly_partitions w "
            "JOIN pg_class c ON c.relname = w.partition_name WHERE w.table_name = 'raw_crashes'",
        )
    assert windows == 3
