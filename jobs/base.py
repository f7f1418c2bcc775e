"""What every job is: a small class naming the stored procedure it calls and the day it computes.

A job declares its Socorro ``app_name``, its ``depends_on`` (other app names), whether it is a
*backfill* job (run once per missed interval, with the interval's logical time) and what it
runs. Most jobs are a few lines on top of :class:`ProcedureCronApp`::

    class TCBSCronApp(MatviewCronApp):
        app_name = "tcbs-matview"
        procedure = "update_tcbs"
        depends_on = ("product-versions-matview", "signatures-matview", "reports-clean")

The runner (:mod:`jobs.runner`) hands ``run()`` a :class:`JobRun`: a connection inside the
transaction that also records the run, the logical time, the job's state and a way to add
notices. Notices raised by the procedures (``RAISE NOTICE/INFO/WARNING``) are collected
automatically and stored with the run in ``crontabber_log``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import psycopg
from psycopg import sql
from psycopg.types.numeric import Int4

from pyapp.config import Config
from pyapp.db import Database

log = logging.getLogger(__name__)


@dataclass
class JobRun:
    """One run of a job: what ``run()`` works with."""

    #: connection inside the run's transaction (committed with the crontabber_log row)
    conn: psycopg.Connection
    #: the logical time of this run (the backfilled interval, or now)
    when: dt.datetime
    #: the clock's time when the invocation started
    now: dt.datetime
    config: Config
    #: the job's crontabber row as claimed (last_success, first_run, ...)
    state: dict[str, Any]
    #: the pool, for jobs that must commit part of their work on their own (deliveries)
    db: Database
    notices: list[str] = field(default_factory=list)

    def notice(self, message: str) -> None:
        """Add a line to the run's notices (stored in crontabber_log)."""
        self.notices.append(message)

    def call(self, procedure: str, *args: Any) -> list[dict[str, Any]]:
        """``SELECT * FROM procedure(args...)`` in the run's transaction; notes the call and its result."""
        query = sql.SQL("SELECT * FROM {}({})").format(
            sql.Identifier(procedure), sql.SQL(", ").join(sql.Placeholder() * len(args))
        )
        rows = self.conn.execute(query, [_typed(a) for a in args]).fetchall()
        self.notice(f"{describe_call(procedure, args)} -> {describe_result(rows)}")
        return rows


def _typed(value: Any) -> Any:
    """Python ints as integer (psycopg would send small ones as smallint, which reads oddly in errors)."""
    if isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31:
        return Int4(value)
    return value


def describe_value(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return "'" + value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S+00") + "'"
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def describe_call(procedure: str, args: Sequence[Any]) -> str:
    """``update_tcbs('2024-01-01')``: a call as a DBA would type it in psql."""
    return f"{procedure}({', '.join(describe_value(a) for a in args)})"


def describe_result(rows: list[dict[str, Any]]) -> str:
    values = [v for row in rows for v in row.values()]
    if not values:
        return "no rows"
    if len(values) == 1:
        return "void" if values[0] in (None, "") else describe_value(values[0])
    shown = ", ".join(describe_value(v) for v in values[:20])
    return f"[{shown}{', ...' if len(values) > 20 else ''}] ({len(rows)} rows)"


class CronApp:
    """A job. Subclasses set the class attributes and implement :meth:`run`."""

    #: Socorro's app name: the key of the job's state and log
    app_name: ClassVar[str] = ""
    app_description: ClassVar[str] = ""
    #: app names that must have run successfully, recently, without error
    depends_on: ClassVar[tuple[str, ...]] = ()
    #: run once per missed interval since the last success (with that interval's time)
    backfill: ClassVar[bool] = False
    #: the SQL functions this job calls (checked against the schema by the tests)
    procedures: ClassVar[tuple[str, ...]] = ()
    #: Socorro's class path for this job, accepted in crontabber__jobs
    socorro_class: ClassVar[str | None] = None
    #: settings that must be set for the job to do anything (it is left out of the default
    #: list while they are not, and refused in an explicit crontabber__jobs)
    required_settings: ClassVar[tuple[str, ...]] = ()
    #: a successful run changes what the web pages show: the runner bumps the web cache
    #: generation (bump_cache_generation) in the run's transaction
    refreshes_web_cache: ClassVar[bool] = False

    def __init__(self, config: Config) -> None:
        self.config = config

    @classmethod
    def missing_settings(cls, config: Config) -> list[str]:
        return [name for name in cls.required_settings if not config[name]]

    def describe(self, when: dt.datetime) -> str:
        """What a run at logical time ``when`` computes (for --dry-run and the log)."""
        return self.app_description or self.app_name

    def run(self, run: JobRun) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not implement run()")


class ProcedureCronApp(CronApp):
    """A job that calls one SQL function with arguments derived from the logical time."""

    procedure: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.procedure and "procedures" not in cls.__dict__:
            cls.procedures = (cls.procedure,)

    def calls(self, when: dt.datetime) -> list[tuple[str, tuple[Any, ...]]]:
        """The (procedure, arguments) this job calls for logical time ``when``, in order."""
        return [(self.procedure, self.arguments(when))]

    def arguments(self, when: dt.datetime) -> tuple[Any, ...]:
        return ()

    def describe(self, when: dt.datetime) -> str:
        return "; ".join(describe_call(name, args) for name, args in self.calls(when))

    def run(self, run: JobRun) -> None:
        for name, args in self.calls(run.when):
            run.call(name, *args)


def yesterday(when: dt.datetime) -> dt.date:
    """The UTC day before ``when``: the day a daily matview job computes."""
    return (when.astimezone(dt.UTC) - dt.timedelta(days=1)).date()


def hour_start(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


class MatviewCronApp(ProcedureCronApp):
    """A daily backfill job calling ``procedure(yesterday)`` (Socorro's _MatViewBackfillBase)."""

    backfill = True
    refreshes_web_cache = True

    def arguments(self, when: dt.datetime) -> tuple[Any, ...]:
        return (yesterday(when),)
