"""The crontabber runner: what system cron calls every five minutes.

One tick (:meth:`Crontabber.run_all`): find the due jobs (``crontabber_due``), and for each, in
dependency order, skip it while a dependency has never run, is running, failed, or is overdue
(``crontabber_blocked_by``); otherwise take its lock (``crontabber_claim``: a transaction-scoped
advisory lock, then the committed ``ongoing`` mark, so two hosts or two overlapping ticks never
run a job at once), run it once (or, for a backfill job, once per missed interval from
``crontabber_backfill_times``), record every run in ``crontabber_log`` in the same transaction
as the job's own work (``crontabber_log_run``), and close the invocation
(``crontabber_finish_run``: next run, or a retry after ``crontabber__error_retry_time`` when
it failed, which blocks its dependants until it succeeds).

With ``crontabber__max_parallel_jobs`` (or ``crashstats crontabber --parallel N``) above 1, a
tick runs up to that many due jobs at once, each in a thread with its own connections, starting
a job once the due jobs it depends on have finished this tick; what each job then does (the
blocked check, the claim, the runs) is the same as one at a time.

All scheduling arithmetic happens in those SQL functions, at times read from an injected
:class:`jobs.clock.Clock`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from jobs.base import CronApp, JobRun
from jobs.clock import Clock, SystemClock
from jobs.spec import JobList, JobSpec
from pyapp import metrics, parallel
from pyapp.config import Config
from pyapp.db import Database
from pyapp.errors import ConfigError

log = logging.getLogger(__name__)

NOTICE_SEVERITIES = {"NOTICE", "INFO", "WARNING", "LOG", "DEBUG"}


@dataclass
class Outcome:
    """What happened to one job in one invocation of the runner."""

    app_name: str
    #: ran, failed, busy (another runner holds it), blocked (a dependency), not-due, up-to-date
    status: str
    #: logical time of the run (ran/failed)
    when: dt.datetime | None = None
    message: str = ""
    duration: float = 0.0
    notices: list[str] = field(default_factory=list)
    #: the exception as stored in crontabber (failed runs)
    error: dict[str, str] | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass
class PlanItem:
    """What a tick would do with one job (``--dry-run``)."""

    app_name: str
    action: str  # run, blocked, busy, up-to-date, not-due
    whens: list[dt.datetime] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    reason: str = ""


def error_info(exc: BaseException) -> dict[str, str]:
    """The exception as crontabber stores it: type, value, traceback."""
    cls = type(exc)
    name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    return {
        "type": name,
        "value": str(exc),
        "traceback": "".join(traceback.format_exception(exc)),
    }


class _NoticeCollector:
    """Collects the server's notices on a connection while a job runs."""

    def __init__(self, conn: psycopg.Connection, sink: list[str]) -> None:
        self.conn = conn
        self.sink = sink

    def __call__(self, diag: psycopg.errors.Diagnostic) -> None:
        severity = diag.severity_nonlocalized or diag.severity or "NOTICE"
        if severity in NOTICE_SEVERITIES:
            self.sink.append(f"{severity}: {diag.message_primary}")

    def __enter__(self) -> _NoticeCollector:
        self.conn.add_notice_handler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.remove_notice_handler(self)


class Crontabber:
    """Runs a job list against the database at times read from ``clock``."""

    def __init__(
        self,
        db: Database,
        jobs: JobList,
        config: Config,
        clock: Clock | None = None,
        *,
        parallel: int | None = None,
    ) -> None:
        self.db = db
        self.jobs = jobs
        self.config = config
        self.clock = clock or SystemClock()
        self.error_retry = dt.timedelta(seconds=int(config["crontabber__error_retry_time"]))
        self.max_ongoing = dt.timedelta(hours=float(config["crontabber__max_ongoing_age_hours"]))
        self.parallel = int(config["crontabber__max_parallel_jobs"]) if parallel is None else parallel
        if self.parallel < 1:
            raise ConfigError(f"crontabber__max_parallel_jobs must be 1 or more, not {self.parallel}")

    # --- a tick -----------------------------------------------------------------------

    def due(self, now: dt.datetime, specs: list[JobSpec] | None = None) -> list[str]:
        specs = self.jobs.specs if specs is None else specs
        rows = self.db.fetch_all(
            "SELECT app_name FROM crontabber_due(%(apps)s, %(times)s::time[], %(now)s) AS d(app_name)",
            apps=[s.app_name for s in specs],
            times=[s.time for s in specs],
            now=now,
        )
        return [row["app_name"] for row in rows]

    def run_all(self) -> list[Outcome]:
        """One tick: every due job, in dependency order (``self.parallel`` at a time, each once
        the due jobs it depends on have finished). Returns what happened to each due job, in
        job list order."""
        due = set(self.due(self.clock.now()))
        specs = {spec.app_name: spec for spec in self.jobs.specs if spec.app_name in due}
        outcomes = parallel.run_in_order(
            list(specs),
            self.jobs.depends_on,
            lambda name: self.run_spec(specs[name]),
            at_once=self.parallel,
            thread_name="crontabber",
        )
        return [outcomes[name] for name in specs]

    def run_job(self, name: str, *, force: bool = False) -> Outcome:
        """``--job NAME``: that job only, if due and unblocked (always, with ``force``)."""
        spec = self.jobs.get(name)
        if spec is None:
            raise KeyError(name)
        if not force and spec.app_name not in self.due(self.clock.now(), [spec]):
            state = self.state(spec.app_name)
            when = state.get("next_run") if state else None
            message = f"not due until {when:%Y-%m-%d %H:%M:%S}Z" if when else "not due yet"
            return Outcome(spec.app_name, "not-due", message=message)
        return self.run_spec(spec, force=force)

    def run_spec(self, spec: JobSpec, *, force: bool = False) -> Outcome:
        now = self.clock.now()
        depends_on = list(self.jobs.depends_on.get(spec.app_name, ()))
        if not force and depends_on:
            reason = self.db.fetch_value(
                "SELECT crontabber_blocked_by(%(deps)s, %(now)s)", deps=depends_on, now=now
            )
            if reason:
                log.debug("skipping %s: %s", spec.app_name, reason)
                return Outcome(spec.app_name, "blocked", message=reason)
        claimed = self.db.fetch_one(
            "SELECT * FROM crontabber_claim(%(app)s, %(now)s, %(max_ongoing)s, %(force)s)",
            app=spec.app_name,
            now=now,
            max_ongoing=self.max_ongoing,
            force=force,
        )
        if claimed is None:
            state = self.state(spec.app_name) or {}
            since, next_run = state.get("ongoing"), state.get("next_run")
            if since is None and next_run is not None and next_run > now:
                message = f"ran elsewhere meanwhile; not due until {next_run:%Y-%m-%d %H:%M:%S}Z"
                return Outcome(spec.app_name, "not-due", message=message)
            message = (
                f"running elsewhere since {since:%Y-%m-%d %H:%M:%S}Z" if since else "being claimed elsewhere"
            )
            log.debug("skipping %s: %s", spec.app_name, message)
            return Outcome(spec.app_name, "busy", message=message)
        return self._invoke(spec, claimed, now, depends_on)

    def _invoke(
        self, spec: JobSpec, state: dict[str, Any], now: dt.datetime, depends_on: list[str]
    ) -> Outcome:
        job = spec.job_class(self.config)
        error: dict[str, str] | None = None
        outcome = Outcome(spec.app_name, "up-to-date", message="no interval to replay")
        try:
            for when in self._times(spec, now):
                outcome = self._run_once(spec, job, when, now, state)
                if not outcome.ok:
                    error = outcome.error
                    break
        except BaseException as exc:  # interrupted, or the database went away: release the job
            error = error_info(exc)
            raise
        finally:
            self.db.fetch_all(
                "SELECT * FROM crontabber_finish_run(%(app)s, %(started)s, %(deps)s, %(frequency)s,"
                " %(time)s, %(error)s, %(retry)s)",
                app=spec.app_name,
                started=now,
                deps=depends_on,
                frequency=spec.frequency,
                time=spec.time,
                error=Jsonb(error) if error else None,
                retry=self.error_retry,
            )
        return outcome

    def _times(self, spec: JobSpec, now: dt.datetime) -> list[dt.datetime]:
        if not spec.job_class.backfill:
            return [now]
        rows = self.db.fetch_all(
            "SELECT t FROM crontabber_backfill_times(%(app)s, %(frequency)s, %(time)s, %(now)s) AS b(t)",
            app=spec.app_name,
            frequency=spec.frequency,
            time=spec.time,
            now=now,
        )
        return [row["t"] for row in rows]

    def _run_once(
        self, spec: JobSpec, job: CronApp, when: dt.datetime, now: dt.datetime, state: dict[str, Any]
    ) -> Outcome:
        notices: list[str] = []
        started = time.monotonic()
        try:
            with self.db.transaction() as conn, _NoticeCollector(conn, notices):
                run = JobRun(
                    conn=conn,
                    when=when,
                    now=now,
                    config=self.config,
                    state=state,
                    db=self.db,
                    notices=notices,
                )
                job.run(run)
                if job.refreshes_web_cache:
                    conn.execute("SELECT bump_cache_generation(%(reason)s)", {"reason": spec.app_name})
                duration = time.monotonic() - started
                conn.execute(
                    "SELECT crontabber_log_run(%(app)s, %(log_time)s, %(success)s, %(duration)s,"
                    " %(notices)s)",
                    {
                        "app": spec.app_name,
                        "log_time": now,
                        "success": when,
                        "duration": dt.timedelta(seconds=duration),
                        "notices": notices,
                    },
                )
        except Exception as exc:
            duration = time.monotonic() - started
            info = error_info(exc)
            self.db.fetch_value(
                "SELECT crontabber_log_run(%(app)s, %(log_time)s, NULL, %(duration)s, %(notices)s,"
                " %(error)s)",
                app=spec.app_name,
                log_time=now,
                duration=dt.timedelta(seconds=duration),
                notices=notices,
                error=Jsonb(info),
            )
            log.error("%s failed (%s): %s: %s", spec.app_name, job.describe(when), info["type"], exc)
            metrics.timing(f"crontabber.{spec.app_name}.duration", duration * 1000)
            metrics.incr(f"crontabber.{spec.app_name}.failed")
            return Outcome(spec.app_name, "failed", when, f"{info['type']}: {exc}", duration, notices, info)
        for line in notices:
            if line.startswith("WARNING:"):
                log.warning("%s: %s", spec.app_name, line)
        log.info("ran %s: %s (%.1f s)", spec.app_name, job.describe(when), duration)
        metrics.timing(f"crontabber.{spec.app_name}.duration", duration * 1000)
        return Outcome(spec.app_name, "ran", when, job.describe(when), duration, notices)

    # --- inspection and administration ------------------------------------------------

    def state(self, app_name: str) -> dict[str, Any] | None:
        return self.db.fetch_one("SELECT * FROM crontabber_state WHERE app_name = %(app)s", app=app_name)

    def states(self) -> dict[str, dict[str, Any]]:
        rows = self.db.fetch_all(
            "SELECT * FROM crontabber_state WHERE app_name = ANY(%(apps)s)", apps=self.jobs.app_names
        )
        return {row["app_name"]: row for row in rows}

    def plan(self, specs: list[JobSpec] | None = None) -> list[PlanItem]:
        """What a tick would do now, without doing it (jobs that would run count as succeeded)."""
        now = self.clock.now()
        specs = self.jobs.specs if specs is None else specs
        due = set(self.due(now, specs))
        would_run: set[str] = set()
        plan: list[PlanItem] = []
        for spec in specs:
            if spec.app_name not in due:
                continue
            state = self.state(spec.app_name) or {}
            ongoing = state.get("ongoing")
            if ongoing is not None and ongoing > now - self.max_ongoing:
                plan.append(
                    PlanItem(spec.app_name, "busy", reason=f"running since {ongoing:%Y-%m-%d %H:%M}Z")
                )
                continue
            deps = [d for d in self.jobs.depends_on.get(spec.app_name, ()) if d not in would_run]
            reason = (
                self.db.fetch_value("SELECT crontabber_blocked_by(%(deps)s, %(now)s)", deps=deps, now=now)
                if deps
                else None
            )
            if reason:
                plan.append(PlanItem(spec.app_name, "blocked", reason=reason))
                continue
            whens = self._times(spec, now)
            job = spec.job_class(self.config)
            if not whens:
                plan.append(PlanItem(spec.app_name, "up-to-date", reason="no interval to replay"))
            else:
                plan.append(PlanItem(spec.app_name, "run", whens, [job.describe(w) for w in whens]))
            would_run.add(spec.app_name)
        return plan

    def reset(self, app_name: str) -> bool:
        return bool(
            self.db.fetch_value(
                "SELECT crontabber_reset(%(app)s, %(now)s, %(max_ongoing)s)",
                app=app_name,
                now=self.clock.now(),
                max_ongoing=self.max_ongoing,
            )
        )

    def nagios(self) -> tuple[int, str]:
        row = self.db.fetch_one(
            "SELECT * FROM crontabber_nagios(%(apps)s, %(backfill)s, %(now)s, %(max_ongoing)s)",
            apps=self.jobs.app_names,
            backfill=[s.app_name for s in self.jobs.specs if s.job_class.backfill],
            now=self.clock.now(),
            max_ongoing=self.max_ongoing,
        )
        assert row is not None
        return int(row["status"]), str(row["message"])
