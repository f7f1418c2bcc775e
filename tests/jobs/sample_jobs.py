"""Jobs used by the runner tests (listed in crontabber__jobs as tests.jobs.sample_jobs.<Class>).

Each records the logical time it ran for in the table job_test_runs (created by the
``runner_db`` fixture), inside the run's transaction, so a failed run leaves no row.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import ClassVar

from jobs.base import CronApp, JobRun


def record(run: JobRun, app_name: str) -> None:
    run.conn.execute("INSERT INTO job_test_runs (app_name, run_for) VALUES (%s, %s)", (app_name, run.when))


class FailTwiceCronApp(CronApp):
    """Daily backfill job whose first two attempts fail (after writing a row that must vanish)."""

    app_name = "fail-twice"
    backfill = True
    attempts: ClassVar[int] = 0

    def run(self, run: JobRun) -> None:
        type(self).attempts += 1
        record(run, self.app_name)
        if type(self).attempts <= 2:
            raise RuntimeError(f"deliberate failure {type(self).attempts}")
        run.notice(f"attempt {type(self).attempts}")


class DependantCronApp(CronApp):
    app_name = "dependant"
    backfill = True
    depends_on = ("fail-twice",)

    def run(self, run: JobRun) -> None:
        record(run, self.app_name)


class HourlyCronApp(CronApp):
    """Not a backfill job: runs for 'now'."""

    app_name = "hourly"

    def run(self, run: JobRun) -> None:
        record(run, self.app_name)


class DailyBackfillCronApp(CronApp):
    """Daily backfill job that fails for the days listed in ``failing_days``."""

    app_name = "daily-backfill"
    backfill = True
    failing_days: ClassVar[set[dt.date]] = set()

    def run(self, run: JobRun) -> None:
        record(run, self.app_name)
        if run.when.date() in type(self).failing_days:
            raise ValueError(f"no data for {run.when.date()}")


class FlakyDependencyCronApp(CronApp):
    """Hourly job that fails while ``broken`` is set."""

    app_name = "flaky-dependency"
    broken: ClassVar[bool] = True

    def run(self, run: JobRun) -> None:
        record(run, self.app_name)
        if type(self).broken:
            raise ConnectionError("upstream unavailable")


class BlockedDependantCronApp(CronApp):
    app_name = "blocked-dependant"
    depends_on = ("flaky-dependency",)

    def run(self, run: JobRun) -> None:
        record(run, self.app_name)


class SlowCronApp(CronApp):
    """Waits until the test releases it (``release``), signalling ``started`` first."""

    app_name = "slow"
    started: ClassVar[threading.Event] = threading.Event()
    release: ClassVar[threading.Event] = threading.Event()

    def run(self, run: JobRun) -> None:
        record(run, self.app_name)
        type(self).started.set()
        if not type(self).release.wait(timeout=60):
            raise TimeoutError("the test never released the slow job")


class AfterSlowCronApp(CronApp):
    app_name = "after-slow"
    depends_on = ("slow",)

    def run(self, run: JobRun) -> None:
        record(run, self.app_name)


class SleepyCronApp(CronApp):
    """Sleeps two seconds (for two crontabber processes started together)."""

    app_name = "sleepy"

    def run(self, run: JobRun) -> None:
        record(run, self.app_name)
        time.sleep(2)


class NoticeCronApp(CronApp):
    """Calls a procedure that raises notices, and adds its own."""

    app_name = "notices"

    def run(self, run: JobRun) -> None:
        run.conn.execute("SELECT job_test_noisy()")
        run.notice("done")


class A(CronApp):
    app_name = "a"
    depends_on = ("c",)


class B(CronApp):
    app_name = "b"
    depends_on = ("a",)


class C(CronApp):
    app_name = "c"
    depends_on = ("b",)


class NotAJob:
    app_name = "not-a-job"
