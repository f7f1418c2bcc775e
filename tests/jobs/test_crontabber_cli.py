"""`crashstats crontabber` and scripts/crontabber.sh as cron runs them: separate processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from pyapp import schema
from pyapp.embedded import free_port
from tests.jobs.test_spec import SEED_JOBS

CRASHSTATS = Path(sys.executable).with_name("crashstats")
S = "tests.jobs.sample_jobs."


def environment(url: str | None, jobs: str | None, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_", "crontabber__"))
    }
    env["CRASHSTATS_CONFIG_DIR"] = str(Path(__file__).parent / "data" / "empty-config")
    env["PYTHONPATH"] = str(schema.ROOT)  # the sample jobs live in tests/
    if url:
        env["DATABASE_URL"] = url
    if jobs is not None:
        env["crontabber__jobs"] = jobs
    env.update(extra)
    return env


def crontabber(*args: str, url: str | None = None, jobs: str | None = None, **extra: str):
    command = [str(CRASHSTATS)] if CRASHSTATS.exists() else [sys.executable, "-m", "pyapp.cli.main"]
    return subprocess.run(
        [*command, "crontabber", *args],
        env=environment(url, jobs, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def db(runner_db: str) -> str:
    return runner_db


def test_configtest_accepts_the_seeds_line() -> None:
    proc = crontabber("--configtest", jobs=SEED_JOBS)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "warning: product-versions-matview depends on reports-clean, not in crontabber__jobs: "
        "that dependency is not checked",
        "OK: 3 jobs from crontabber__jobs",
    ]


def test_configtest_lists_every_problem() -> None:
    jobs = f"{S}A|1h, {S}B|1h, {S}C|1h\njobs.matviews.DuplicatesCronApp|1h|05:00\nnot.a.Job|1d"
    proc = crontabber("--configtest", jobs=jobs)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0] == (
        "error: crontabber__jobs: 'jobs.matviews.DuplicatesCronApp|1h|05:00': "
        "a time of day (|HH:MM) needs a frequency of a day or more"
    )
    assert lines[1].startswith("error: crontabber__jobs: cannot import not.a for not.a.Job")
    assert lines[2].startswith("error: crontabber__jobs: circular dependency: ")


def test_configtest_of_the_defaults_names_what_is_not_configured() -> None:
    proc = crontabber("--configtest", jobs="")
    assert proc.returncode == 0
    assert "OK: 32 jobs from the built-in DEFAULT_JOBS" in proc.stdout
    assert "not configured (left out): fetch-adi (set CRASHSTATS_ADI_SOURCE)" in proc.stdout


def test_a_bad_job_list_stops_a_run_with_one_line(db: str) -> None:
    proc = crontabber(url=db, jobs="jobs.matviews.DuplicatesCronApp|1q")
    assert proc.returncode == 78
    assert proc.stderr.splitlines() == [
        "crashstats: error: crontabber__jobs: 'jobs.matviews.DuplicatesCronApp|1q': "
        "frequency '1q' is not <n>m, <n>h or <n>d with n > 0"
    ]


def test_quiet_when_nothing_is_due(db: str) -> None:
    jobs = "jobs.weekly_reports_partitions.WeeklyReportsPartitionsCronApp|7d"
    first = crontabber(url=db, jobs=jobs)
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""
    assert "ran weekly-reports-partitions: weekly_report_partitions(2, " in first.stderr
    second = crontabber(url=db, jobs=jobs)
    assert (second.returncode, second.stdout, second.stderr) == (0, "", "")
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM crontabber_log").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM weekly_partitions").fetchone()[0] > 0


def test_failures_print_one_error_line_and_exit_1(db: str) -> None:
    proc = crontabber(url=db, jobs=f"{S}FailTwiceCronApp|1d")
    assert proc.returncode == 1
    assert proc.stdout == ""
    [line] = proc.stderr.splitlines()
    assert line == "crashstats: fail-twice failed (fail-twice): RuntimeError: deliberate failure 1"


def test_nagios_exit_codes(db: str) -> None:
    jobs = f"{S}FailTwiceCronApp|1d, {S}FlakyDependencyCronApp|1h"
    ok = crontabber("--nagios", url=db, jobs=jobs)
    assert (ok.returncode, ok.stdout) == (0, "OK - All systems nominal\n")
    with psycopg.connect(db) as conn:
        conn.execute(
            "INSERT INTO crontabber (app_name, error_count, last_error) VALUES"
            ' (\'fail-twice\', 1, \'{"type": "OSError", "value": "disk full"}\')'
        )
    warning = crontabber("--nagios", url=db, jobs=jobs)
    assert (warning.returncode, warning.stdout) == (1, "WARNING - fail-twice | OSError | disk full\n")
    with psycopg.connect(db) as conn:
        conn.execute(
            "INSERT INTO crontabber (app_name, error_count, last_error) VALUES"
            ' (\'flaky-dependency\', 1, \'{"type": "ConnectionError", "value": "refused"}\')'
        )
    critical = crontabber("--nagios", url=db, jobs=jobs)
    assert (critical.returncode, critical.stdout) == (
        2,
        "CRITICAL - flaky-dependency | ConnectionError | refused\n",
    )
    down = crontabber("--nagios", url=f"postgresql://nobody@127.0.0.1:{free_port()}/breakpad", jobs=jobs)
    assert down.returncode == 2
    assert down.stdout.startswith("CRITICAL - crontabber: cannot connect to PostgreSQL")
    assert len(down.stdout.splitlines()) == 1


def test_list_jobs_reset_job_dry_run(db: str) -> None:
    jobs = f"{S}HourlyCronApp|1h, {S}DailyBackfillCronApp|1d|05:00"
    crontabber(url=db, jobs=f"{S}HourlyCronApp|1h")
    listing = crontabber("--list-jobs", url=db, jobs=jobs)
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["JOB", "FREQUENCY", "LAST", "SUCCESS", "NEXT", "RUN", "ERRORS", "STATUS"]
    hourly = lines[1].split()
    assert hourly[:2] == ["hourly", "1h"] and hourly[-2:] == ["0", "ok"]
    assert lines[2].split() == ["daily-backfill", "1d|05:00", "-", "due", "0", "never", "run"]

    dry = crontabber("--dry-run", url=db, jobs=jobs)
    assert dry.returncode == 0
    daily = [line for line in dry.stdout.splitlines() if "daily-backfill" in line]
    hour_due = [line for line in dry.stdout.splitlines() if "hourly" in line]
    assert hour_due == []  # ran a moment ago
    # before 05:00 UTC a first run of a pinned job waits; after, it would run once
    assert daily in ([], ["would run daily-backfill: daily-backfill"])
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM crontabber_log").fetchone() == (1,)

    reset = crontabber("--reset-job", "hourly", url=db, jobs=jobs)
    assert (reset.returncode, reset.stdout) == (0, "hourly: state forgotten; it runs at the next tick\n")
    again = crontabber("--reset-job", "hourly", url=db, jobs=jobs)
    assert again.stdout == "hourly: had no state\n"
    dry = crontabber("--dry-run", "--job", "hourly", url=db, jobs=jobs)
    assert dry.stdout == "would run hourly: hourly\n"


def test_job_and_force(db: str) -> None:
    jobs = f"{S}HourlyCronApp|1h"
    first = crontabber("--job", "hourly", url=db, jobs=jobs)
    assert first.returncode == 0 and first.stdout == ""
    second = crontabber("--job", "tests.jobs.sample_jobs.HourlyCronApp", url=db, jobs=jobs)
    assert second.returncode == 0
    assert second.stdout.startswith("hourly: not-due: not due until ")
    forced = crontabber("--job", "hourly", "--force", url=db, jobs=jobs)
    assert forced.returncode == 0 and forced.stdout == ""
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM job_test_runs WHERE app_name = 'hourly'").fetchone() == (2,)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--force"], "--force needs --job NAME"),
        (["--job", "nope"], "--job nope: no such job in the job list"),
        (["--list-jobs", "--job", "hourly"], "--job and --dry-run do not combine"),
        (["--list-jobs", "--nagios"], "not allowed with argument"),
        (["--parallel", "0"], "must be 1 or more"),
    ],
)
def test_usage_errors_are_one_line(db: str, args: list[str], message: str) -> None:
    proc = crontabber(*args, url=db, jobs=f"{S}HourlyCronApp|1h")
    assert proc.returncode == 2
    [line] = proc.stderr.splitlines()
    assert message in line


def test_parallel_runs_every_due_job_once(db: str) -> None:
    proc = crontabber("--parallel", "2", url=db, jobs=f"{S}SleepyCronApp|1d,{S}HourlyCronApp|1h")
    assert proc.returncode == 0, proc.stderr
    with psycopg.connect(db) as conn:
        ran = conn.execute("SELECT app_name, count(*) FROM job_test_runs GROUP BY 1 ORDER BY 1").fetchall()
    assert ran == [("hourly", 1), ("sleepy", 1)]


def test_two_crontabber_processes_at_once_run_a_job_once(db: str) -> None:
    command = [str(CRASHSTATS)] if CRASHSTATS.exists() else [sys.executable, "-m", "pyapp.cli.main"]
    env = environment(db, f"{S}SleepyCronApp|1d")
    procs = [
        subprocess.Popen([*command, "crontabber"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM job_test_runs").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM crontabber_log").fetchone() == (1,)


def test_the_cron_script(db: str) -> None:
    script = schema.ROOT / "scripts" / "crontabber.sh"
    env = environment(db, "jobs.weekly_reports_partitions.WeeklyReportsPartitionsCronApp|7d")
    env["CRASHSTATS_BIN"] = str(CRASHSTATS) if CRASHSTATS.exists() else ""
    proc = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=120, cwd="/")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")  # -q: cron mails nothing
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT app_name FROM crontabber_log").fetchall() == [
            ("weekly-reports-partitions",)
        ]
    nagios = subprocess.run([str(script), "--nagios"], env=env, capture_output=True, text=True, timeout=120)
    assert (nagios.returncode, nagios.stdout) == (0, "OK - All systems nominal\n")
