"""Fixtures for the job runner and the jobs: a committed database with the runner's helpers,
a controllable clock and configurations. The local HTTP server (Bugzilla, webhooks, ADI, ES)
is the ``http_server`` fixture of tests/http_fixtures.py; Reply and Request are re-exported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from jobs.clock import FakeClock
from jobs.runner import Crontabber
from jobs.spec import load_job_list
from pyapp.config import Config, load_config
from pyapp.db import Database
from tests.http_fixtures import LocalServer, Reply, Request
from tests.jobs import sample_jobs

__all__ = ["LocalServer", "Reply", "Request"]

UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def runner_db(fresh_db: str) -> Iterator[str]:
    """A fresh committed database with the test jobs' table and noisy procedure."""
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE job_test_runs (app_name text, run_for timestamptz, id serial)")
        conn.execute(
            """CREATE FUNCTION job_test_noisy() RETURNS integer LANGUAGE plpgsql AS $$
               BEGIN RAISE NOTICE 'a notice'; RAISE INFO 'an info'; RAISE WARNING 'a warning';
                     RETURN 1; END $$"""
        )
    yield fresh_db


@pytest.fixture(autouse=True)
def reset_sample_jobs() -> None:
    sample_jobs.FailTwiceCronApp.attempts = 0
    sample_jobs.DailyBackfillCronApp.failing_days = set()
    sample_jobs.FlakyDependencyCronApp.broken = True
    sample_jobs.SlowCronApp.started.clear()
    sample_jobs.SlowCronApp.release.clear()


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Config]:
    """A configuration from the given settings only (no /etc/crashstats, no environment)."""
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir()

    def make(**settings: Any) -> Config:
        return load_config(environ={k: str(v) for k, v in settings.items()}, config_dir=conf_dir)

    return make


@dataclass
class Harness:
    url: str
    config: Config
    clock: FakeClock
    db: Database
    tabber: Crontabber

    def tick(self) -> list:
        return self.tabber.run_all()

    def sql(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        with psycopg.connect(self.url, row_factory=dict_row, autocommit=True) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def runs(self, app_name: str) -> list[dt.datetime]:
        rows = self.sql("SELECT run_for FROM job_test_runs WHERE app_name = %s ORDER BY id", (app_name,))
        return [r["run_for"] for r in rows]

    def log(self, app_name: str) -> list[dict[str, Any]]:
        return self.sql("SELECT * FROM crontabber_log WHERE app_name = %s ORDER BY id", (app_name,))

    def state(self, app_name: str) -> dict[str, Any]:
        rows = self.sql("SELECT * FROM crontabber_state WHERE app_name = %s", (app_name,))
        return rows[0] if rows else {}


@pytest.fixture
def harness(runner_db: str, make_config: Callable[..., Config]) -> Iterator[Callable[..., Harness]]:
    """``harness(jobs_text, start, **settings)``: a runner over ``runner_db`` with a FakeClock."""
    opened: list[Database] = []

    def make(jobs: str, start: dt.datetime, **settings: Any) -> Harness:
        config = make_config(crontabber__jobs=jobs, **settings)
        clock = FakeClock(start)
        db = Database(runner_db, component="test-crontabber", min_size=1, max_size=4)
        opened.append(db)
        return Harness(runner_db, config, clock, db, Crontabber(db, load_job_list(config), config, clock))

    yield make
    for db in opened:
        db.close()
