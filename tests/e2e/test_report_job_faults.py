"""A report job failing mid-way (real procedures, real data): the day it was computing shows
nothing half-done, the failure is recorded, and the job run again gives the right numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg

from pyapp import reports
from pyapp.demo import load
from tests.clock import SuiteClock
from tests.e2e.conftest import OwnPostgres, env_for
from tests.ops.conftest import crashstats

FAIL_AFTER_ROWS = 25


def tcbs_of(url: str, day: dt.date) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT signature_id, product_version_id, process_type, release_channel, report_count,"
            " win_count, mac_count, lin_count, hang_count, startup_count, is_gc_count"
            " FROM tcbs WHERE report_date = %s ORDER BY 1, 2, 3, 4",
            (day,),
        ).fetchall()


def test_a_report_job_failing_midway_leaves_no_partial_day(
    own_pg: OwnPostgres, tmp_path: Path, clock: SuiteClock
) -> None:
    url = own_pg.new_database()
    day = clock.days_ago(1)
    load.generate(url, days=2, per_day=400, seed=9, last_day=day)
    reports.backfill(url, day - dt.timedelta(days=1), day - dt.timedelta(days=1))
    env = env_for(url, CRASHSTATS_VAR_DIR=str(tmp_path / "var"))

    with psycopg.connect(url, autocommit=True) as conn:
        # tcbs fails after FAIL_AFTER_ROWS of the day's rows are written: the job's INSERT is
        # under way when it breaks
        conn.execute("CREATE SEQUENCE e2e_tcbs_rows")
        conn.execute(
            f"""CREATE FUNCTION e2e_tcbs_breaks() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('e2e_tcbs_rows') > {FAIL_AFTER_ROWS} THEN
                    RAISE EXCEPTION 'disk on fire' USING ERRCODE = 'io_error';
                END IF;
                RETURN NEW;
            END $$"""
        )
        conn.execute(
            "CREATE TRIGGER e2e_tcbs_breaks BEFORE INSERT ON tcbs"
            " FOR EACH ROW EXECUTE FUNCTION e2e_tcbs_breaks()"
        )

    # the day's chain: the steps before tcbs commit, tcbs fails mid-way
    run = crashstats("reports", "daily", day.isoformat(), env=env)
    assert run.returncode != 0 and "disk on fire" in run.stderr, run.stdout + run.stderr
    assert tcbs_of(url, day) == []
    # the job (crontabber) fails the same way: recorded, nothing of the day visible
    job = crashstats("crontabber", "--job", "tcbs-matview", "--force", env=env)
    assert tcbs_of(url, day) == []
    with psycopg.connect(url) as conn:
        state = conn.execute(
            "SELECT status, error_count, last_error FROM crontabber_state WHERE app_name = 'tcbs-matview'"
        ).fetchone()
        written = conn.execute("SELECT last_value FROM e2e_tcbs_rows").fetchone()[0]
    assert state[0] == "failing" and state[1] == 1 and "disk on fire" in str(state[2]), (state, job.stderr)
    assert written > FAIL_AFTER_ROWS  # it did break in the middle of its rows

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TRIGGER e2e_tcbs_breaks ON tcbs")
    job = crashstats("crontabber", "--job", "tcbs-matview", "--force", env=env)
    assert job.returncode == 0, job.stderr
    retried = tcbs_of(url, day)
    with psycopg.connect(url) as conn:
        state = conn.execute(
            "SELECT status, error_count FROM crontabber_state WHERE app_name = 'tcbs-matview'"
        ).fetchone()
        day_crashes = conn.execute(
            "SELECT count(*) FROM reports_clean WHERE date_processed >= %s AND date_processed < %s",
            (day, day + dt.timedelta(days=1)),
        ).fetchone()[0]
    assert state == ("ok", 0)
    assert len(retried) > FAIL_AFTER_ROWS
    assert sum(r[4] for r in retried) > 0
    assert day_crashes > 0

    # the right numbers: the same as a clean recompute of the day
    again = crashstats("reports", "daily", day.isoformat(), "--replace", "--step", "update_tcbs", env=env)
    assert again.returncode == 0, again.stderr
    assert tcbs_of(url, day) == retried
