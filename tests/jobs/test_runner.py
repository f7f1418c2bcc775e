"""The runner's semantics with a clock the tests control: retries, dependencies, backfill,
locks, notices, reset, nagios, dry run."""

from __future__ import annotations

import datetime as dt
import threading
import time

import psycopg
import pytest

from pyapp import errors
from tests.jobs import sample_jobs
from tests.jobs.conftest import utc

S = "tests.jobs.sample_jobs."
MINUTES_5 = dt.timedelta(minutes=5)


def test_a_week_of_five_minute_ticks(harness) -> None:
    """fail-twice fails at 05:00 and 05:05, succeeds at 05:10 (retry after 300 s), then runs daily;
    its dependant is blocked until then; the hourly job runs once per hour."""
    start = utc(2026, 3, 2)  # a Monday
    h = harness(
        f"{S}FailTwiceCronApp|1d|05:00\n{S}DependantCronApp|1d|05:00\n{S}HourlyCronApp|1h",
        start,
    )
    blocked_at = []
    statuses: dict[str, list[str]] = {}
    while h.clock.now() < start + dt.timedelta(days=7):
        for outcome in h.tick():
            statuses.setdefault(outcome.app_name, []).append(outcome.status)
            if outcome.status == "blocked":
                blocked_at.append((h.clock.now(), outcome.message))
        h.clock.advance(MINUTES_5)

    daily = [utc(2026, 3, 2, 5, 10)] + [utc(2026, 3, d, 5, 0) for d in range(3, 9)]
    # the failed attempts wrote a row too, rolled back with them: only the successes committed
    assert h.runs("fail-twice") == daily
    log = h.log("fail-twice")
    failures = [row for row in log if row["exc_type"]]
    assert [(row["log_time"], row["exc_value"]) for row in failures] == [
        (utc(2026, 3, 2, 5, 0), "deliberate failure 1"),
        (utc(2026, 3, 2, 5, 5), "deliberate failure 2"),
    ]
    assert failures[0]["exc_type"] == "RuntimeError"
    assert (
        "Traceback" in failures[0]["exc_traceback"] and "deliberate failure 1" in failures[0]["exc_traceback"]
    )
    assert failures[0]["success"] is None
    assert [row["success"] for row in log if not row["exc_type"]] == daily
    assert all(row["duration"] is not None for row in log)

    assert [when for when, _ in blocked_at] == [utc(2026, 3, 2, 5, 0), utc(2026, 3, 2, 5, 5)]
    assert all("fail-twice failed the last time it ran" in msg for _, msg in blocked_at)
    assert h.runs("dependant") == daily
    assert h.runs("hourly") == [start + dt.timedelta(hours=n) for n in range(7 * 24)]

    state = h.state("fail-twice")
    assert state["status"] == "ok"
    assert state["error_count"] == 0 and state["last_error"] == {}
    assert state["first_run"] == utc(2026, 3, 2, 5, 0)
    assert state["last_success"] == utc(2026, 3, 8, 5, 0)
    assert state["next_run"] == utc(2026, 3, 9, 5, 0)
    assert h.state("dependant")["depends_on"] == ["fail-twice"]


def test_failure_counts_and_retry_time(harness) -> None:
    h = harness(f"{S}FailTwiceCronApp|1d|05:00", utc(2026, 3, 2, 6, 0), crontabber__error_retry_time=600)
    assert [o.status for o in h.tick()] == ["failed"]
    state = h.state("fail-twice")
    assert state["error_count"] == 1 and state["status"] == "failing"
    assert state["last_error"]["type"] == "RuntimeError"
    assert state["next_run"] == utc(2026, 3, 2, 6, 10)
    h.clock.advance(MINUTES_5)
    assert h.tick() == []  # not yet: the retry time is 600 s
    h.clock.advance(MINUTES_5)
    assert [o.status for o in h.tick()] == ["failed"]
    assert h.state("fail-twice")["error_count"] == 2
    h.clock.advance(dt.timedelta(minutes=10))
    assert [o.status for o in h.tick()] == ["ran"]
    assert h.state("fail-twice")["error_count"] == 0


def test_dependants_are_blocked_then_released(harness) -> None:
    start = utc(2026, 3, 2, 10, 0)
    h = harness(f"{S}BlockedDependantCronApp|1h\n{S}FlakyDependencyCronApp|1h", start)
    # the dependency runs first although listed second
    outcomes = h.tick()
    assert [(o.app_name, o.status) for o in outcomes] == [
        ("flaky-dependency", "failed"),
        ("blocked-dependant", "blocked"),
    ]
    assert "upstream unavailable" in outcomes[1].message
    for _ in range(3):
        h.clock.advance(MINUTES_5)
        statuses = {o.app_name: o.status for o in h.tick()}
        assert statuses == {"flaky-dependency": "failed", "blocked-dependant": "blocked"}
    assert h.runs("blocked-dependant") == []
    assert h.log("blocked-dependant") == []  # a blocked job is skipped, not failed

    sample_jobs.FlakyDependencyCronApp.broken = False
    h.clock.advance(MINUTES_5)
    released = h.clock.now()
    assert [(o.app_name, o.status) for o in h.tick()] == [
        ("flaky-dependency", "ran"),
        ("blocked-dependant", "ran"),
    ]
    assert h.runs("blocked-dependant") == [released]


def test_a_dependency_that_never_ran_or_is_overdue_blocks(harness) -> None:
    h = harness(f"{S}FlakyDependencyCronApp|1h\n{S}BlockedDependantCronApp|1h", utc(2026, 3, 2, 10, 0))
    # the dependant alone, forced past nothing: dependency never ran
    outcome = h.tabber.run_job("blocked-dependant")
    assert outcome.status == "blocked" and outcome.message == "flaky-dependency has not run yet"
    sample_jobs.FlakyDependencyCronApp.broken = False
    assert h.tabber.run_job("flaky-dependency").status == "ran"
    assert h.tabber.run_job("blocked-dependant").status == "ran"
    # two hours later the dependency is overdue (it has not run this hour): blocked again
    h.clock.advance(dt.timedelta(hours=2))
    outcome = h.tabber.run_job("blocked-dependant")
    assert outcome.status == "blocked" and "has not succeeded since" in outcome.message
    # --force ignores dependencies
    assert h.tabber.run_job("blocked-dependant", force=True).status == "ran"


def test_missed_days_are_replayed_exactly_once_each(harness) -> None:
    h = harness(f"{S}DailyBackfillCronApp|1d|05:00", utc(2026, 3, 2, 5, 0))
    h.tick()
    assert h.runs("daily-backfill") == [utc(2026, 3, 2, 5, 0)]
    # the host was down from Monday to Friday 06:17: one tick replays Tue..Fri, once each
    h.clock.set(utc(2026, 3, 6, 6, 17))
    outcomes = h.tick()
    replayed = [utc(2026, 3, d, 5, 0) for d in (3, 4, 5, 6)]
    assert [(o.status, o.when) for o in outcomes] == [("ran", replayed[-1])]
    assert h.runs("daily-backfill")[1:] == replayed
    assert [row["success"] for row in h.log("daily-backfill")][1:] == replayed
    for _ in range(12 * 24):  # the rest of the day: nothing more to replay
        h.clock.advance(MINUTES_5)
        h.tick()
    assert h.runs("daily-backfill")[1:] == [*replayed, utc(2026, 3, 7, 5, 0)]


def test_a_failure_in_a_backfill_resumes_where_it_stopped(harness) -> None:
    h = harness(f"{S}DailyBackfillCronApp|1d|05:00", utc(2026, 3, 2, 5, 0))
    h.tick()
    sample_jobs.DailyBackfillCronApp.failing_days = {dt.date(2026, 3, 4)}
    h.clock.set(utc(2026, 3, 6, 6, 0))
    assert [o.status for o in h.tick()] == ["failed"]
    state = h.state("daily-backfill")
    assert state["last_success"] == utc(2026, 3, 3, 5, 0)
    assert state["next_run"] == utc(2026, 3, 6, 6, 5)
    assert [(r["success"], r["exc_type"]) for r in h.log("daily-backfill")][1:] == [
        (utc(2026, 3, 3, 5, 0), None),
        (None, "ValueError"),
    ]
    sample_jobs.DailyBackfillCronApp.failing_days = set()
    h.clock.advance(MINUTES_5)
    h.tick()
    successes = [r["success"] for r in h.log("daily-backfill") if r["success"]]
    assert successes == [utc(2026, 3, d, 5, 0) for d in (2, 3, 4, 5, 6)]


def test_first_run_of_a_pinned_job_waits_for_its_time(harness) -> None:
    h = harness(f"{S}DailyBackfillCronApp|1d|05:00\n{S}HourlyCronApp|1h", utc(2026, 3, 2, 3, 0))
    assert [o.app_name for o in h.tick()] == ["hourly"]
    h.clock.set(utc(2026, 3, 2, 4, 55))
    assert "daily-backfill" not in [o.app_name for o in h.tick()]
    h.clock.set(utc(2026, 3, 2, 5, 0))
    assert "daily-backfill" in [o.app_name for o in h.tick()]


def test_two_runners_at_once_run_a_job_once(harness) -> None:
    start = utc(2026, 3, 2, 12, 0)
    first = harness(f"{S}SlowCronApp|1h", start)
    second = harness(f"{S}SlowCronApp|1h", start)  # another host: its own pool and clock
    results: dict[str, list] = {}
    thread = threading.Thread(target=lambda: results.setdefault("first", first.tick()))
    thread.start()
    assert sample_jobs.SlowCronApp.started.wait(timeout=30)
    busy = second.tick()
    assert [(o.status, o.app_name) for o in busy] == [("busy", "slow")]
    assert busy[0].message == "running elsewhere since 2026-03-02 12:00:00Z"
    assert second.state("slow")["status"] == "running"
    sample_jobs.SlowCronApp.release.set()
    thread.join(timeout=30)
    assert [o.status for o in results["first"]] == ["ran"]
    assert first.runs("slow") == [start]
    assert len(first.log("slow")) == 1
    assert second.state("slow")["ongoing"] is None
    assert second.tick() == []  # done for this hour


def test_parallel_jobs_run_side_by_side_and_dependants_wait(harness) -> None:
    """crontabber__max_parallel_jobs=2: an independent job runs while a slow one is held; the
    slow job's dependant starts only once it has finished."""
    start = utc(2026, 3, 2, 12, 0)
    jobs = f"{S}SlowCronApp|1h\n{S}AfterSlowCronApp|1h\n{S}HourlyCronApp|1h"
    h = harness(jobs, start, crontabber__max_parallel_jobs=2)
    results: dict[str, list] = {}
    thread = threading.Thread(target=lambda: results.setdefault("tick", h.tick()))
    thread.start()
    try:
        assert sample_jobs.SlowCronApp.started.wait(timeout=30)
        deadline = time.monotonic() + 30
        while not h.runs("hourly") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert h.runs("hourly") == [start]  # committed while the slow job still runs
        assert h.state("slow")["status"] == "running"
        assert h.runs("after-slow") == [] and not h.log("after-slow")
    finally:
        sample_jobs.SlowCronApp.release.set()
        thread.join(timeout=30)
    assert [(o.app_name, o.status) for o in results["tick"]] == [
        ("slow", "ran"),
        ("after-slow", "ran"),
        ("hourly", "ran"),
    ]
    assert h.runs("after-slow") == [start]
    assert h.log("after-slow")[0]["log_time"] >= h.log("slow")[0]["log_time"]
    assert h.tick() == []


def test_parallel_jobs_must_be_one_or_more(harness) -> None:
    with pytest.raises(errors.ConfigError, match="max_parallel_jobs must be 1 or more"):
        harness(f"{S}HourlyCronApp|1h", utc(2026, 3, 2, 12, 0), crontabber__max_parallel_jobs=0)


def test_a_stale_ongoing_mark_is_taken_over(harness) -> None:
    h = harness(f"{S}HourlyCronApp|1h", utc(2026, 3, 2, 12, 0))
    h.sql("INSERT INTO crontabber (app_name, ongoing) VALUES ('hourly', %s)", (utc(2026, 3, 2, 1, 0),))
    assert [o.status for o in h.tick()] == ["busy"]  # 11 h: still presumed running
    h.clock.set(utc(2026, 3, 2, 13, 5))  # 12 h 5 min: presumed dead
    assert [o.status for o in h.tick()] == ["ran"]
    assert h.state("hourly")["ongoing"] is None


def test_claims_use_transaction_scoped_locks_only(runner_db: str) -> None:
    """While one session is claiming (its transaction open), another gets nothing; no lock outlives
    a transaction, so this works through PgBouncer in transaction mode."""
    now = utc(2026, 3, 2, 12, 0)
    with psycopg.connect(runner_db) as one, psycopg.connect(runner_db) as two:
        assert one.execute("SELECT app_name FROM crontabber_claim('x', %s)", (now,)).fetchall() == [("x",)]
        assert two.execute("SELECT app_name FROM crontabber_claim('x', %s)", (now,)).fetchall() == []
        two.rollback()
        one.commit()
        locks = one.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").fetchone()
        assert locks == (0,)
        # committed: the ongoing mark now refuses the other session
        assert two.execute("SELECT app_name FROM crontabber_claim('x', %s)", (now,)).fetchall() == []


def test_notices_of_the_procedures_are_logged(harness) -> None:
    h = harness(f"{S}NoticeCronApp|1d", utc(2026, 3, 2, 12, 0))
    [outcome] = h.tick()
    assert outcome.status == "ran"
    [row] = h.log("notices")
    assert row["notices"] == ["NOTICE: a notice", "INFO: an info", "WARNING: a warning", "done"]
    assert h.state("notices")["last_notices"] == row["notices"]


def test_reset_job_forgets_state_and_refuses_a_running_job(harness) -> None:
    h = harness(f"{S}FailTwiceCronApp|1d", utc(2026, 3, 2, 12, 0))
    h.tick()
    assert h.state("fail-twice")["error_count"] == 1
    assert h.tabber.reset("fail-twice") is True
    assert h.state("fail-twice") == {}
    assert h.tabber.reset("fail-twice") is False
    assert len(h.log("fail-twice")) == 1  # the log is kept
    h.sql("INSERT INTO crontabber (app_name, ongoing) VALUES ('fail-twice', %s)", (utc(2026, 3, 2, 11, 0),))
    with pytest.raises(errors.DatabaseError, match="fail-twice is running"):
        h.tabber.reset("fail-twice")
    assert h.state("fail-twice")["status"] == "running"


def test_nagios_codes(harness) -> None:
    h = harness(f"{S}FailTwiceCronApp|1d\n{S}FlakyDependencyCronApp|1h", utc(2026, 3, 2, 12, 0))
    assert h.tabber.nagios() == (0, "OK - All systems nominal")
    sample_jobs.FlakyDependencyCronApp.broken = False
    h.tick()  # fail-twice (backfill) fails once: WARNING
    status, line = h.tabber.nagios()
    assert status == 1
    assert line == "WARNING - fail-twice | RuntimeError | deliberate failure 1"
    h.clock.advance(MINUTES_5)
    h.tick()  # twice: CRITICAL
    assert h.tabber.nagios() == (2, "CRITICAL - fail-twice | RuntimeError | deliberate failure 2")
    h.clock.advance(MINUTES_5)
    h.tick()
    assert h.tabber.nagios()[0] == 0
    # a job that is not a backfill job is critical at its first failure
    sample_jobs.FlakyDependencyCronApp.broken = True
    h.clock.advance(dt.timedelta(hours=1))
    h.tick()
    assert h.tabber.nagios() == (2, "CRITICAL - flaky-dependency | ConnectionError | upstream unavailable")


def test_dry_run_plans_without_running(harness) -> None:
    h = harness(f"{S}DailyBackfillCronApp|1d|05:00\n{S}DependantCronApp|1d", utc(2026, 3, 2, 5, 0))
    h.tick()
    h.clock.set(utc(2026, 3, 4, 6, 0))
    plan = h.tabber.plan()
    missed = [utc(2026, 3, 3, 5, 0), utc(2026, 3, 4, 5, 0)]
    assert [(p.app_name, p.action, p.whens) for p in plan] == [
        ("daily-backfill", "run", missed),
        ("dependant", "run", missed),
    ]
    assert plan[0].descriptions == ["daily-backfill", "daily-backfill"]
    assert h.runs("daily-backfill") == [utc(2026, 3, 2, 5, 0)]
    assert h.state("daily-backfill")["last_success"] == utc(2026, 3, 2, 5, 0)
    # dependant's dependency (fail-twice) is not in the list: configtest warns, it is not checked
    assert h.tabber.jobs.warnings == [
        "dependant depends on fail-twice, not in crontabber__jobs: that dependency is not checked"
    ]


def test_a_job_found_due_but_run_elsewhere_meanwhile_is_not_run_again(harness) -> None:
    start = utc(2026, 3, 2, 12, 0)
    first = harness(f"{S}HourlyCronApp|1h", start)
    second = harness(f"{S}HourlyCronApp|1h", start)
    spec = second.tabber.jobs.get("hourly")
    assert second.tabber.due(start) == ["hourly"]  # the second runner sees it due...
    assert [o.status for o in first.tick()] == ["ran"]  # ...the first runs it...
    outcome = second.tabber.run_spec(spec)  # ...then the second gets to it
    assert (outcome.status, outcome.message) == (
        "not-due",
        "ran elsewhere meanwhile; not due until 2026-03-02 13:00:00Z",
    )
    assert first.runs("hourly") == [start]
    assert second.tabber.run_spec(spec, force=True).status == "ran"  # --force still runs it
