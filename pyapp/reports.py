"""Running the report procedures from Python: backfills with progress, the daily chain by hand.

The procedures themselves are SQL (``sql/functions``); this module only calls them by name and
relays their progress: ``backfill_matviews`` raises a NOTICE ``backfill_matviews: day N of M
(YYYY-MM-DD)`` before each day, which psycopg hands to a notice handler as the function runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import psycopg

from pyapp import db

log = logging.getLogger(__name__)

PROGRESS_RE = re.compile(r"backfill_matviews: day (\d+) of (\d+) \((\d{4}-\d{2}-\d{2})\)")

#: called with (day number, number of days, the day) as a backfill proceeds
ProgressCallback = Callable[[int, int, dt.date], None]


@dataclass(frozen=True)
class StepTiming:
    """One procedure of the daily chain as `run_day` ran it."""

    step: int
    proc_name: str
    seconds: float
    result: bool | None


def _notice_handler(on_progress: ProgressCallback | None) -> Callable[[psycopg.errors.Diagnostic], None]:
    def handle(diag: psycopg.errors.Diagnostic) -> None:
        message = diag.message_primary or ""
        match = PROGRESS_RE.search(message)
        if match and on_progress is not None:
            on_progress(int(match[1]), int(match[2]), dt.date.fromisoformat(match[3]))
        else:
            log.debug("%s", message)

    return handle


def backfill(
    url: str,
    firstday: dt.date,
    lastday: dt.date | None = None,
    *,
    reportsclean: bool = True,
    on_progress: ProgressCallback | None = None,
) -> None:
    """``SELECT backfill_matviews(firstday, lastday, reportsclean)`` in one transaction."""
    with db.connect(url, component="reports") as conn:
        conn.add_notice_handler(_notice_handler(on_progress))
        with db.wrap_exceptions():
            conn.execute(
                "SELECT backfill_matviews(%(firstday)s, %(lastday)s, %(reportsclean)s)",
                {"firstday": firstday, "lastday": lastday, "reportsclean": reportsclean},
            )
            conn.commit()


def chain(url: str) -> list[dict]:
    """The steps of the daily chain (``report_chain()``), in order."""
    with db.connect(url, component="reports") as conn, db.wrap_exceptions():
        return conn.execute("SELECT step, proc_name, kind FROM report_chain()").fetchall()


def run_day(
    url: str,
    day: dt.date,
    *,
    replace: bool = False,
    only: Sequence[str] = (),
    on_step: Callable[[StepTiming], None] | None = None,
) -> list[StepTiming]:
    """Run the chain for one UTC day, each step in its own transaction (``run_report_step``).

    ``replace`` recomputes steps already done for the day; ``only`` limits the steps run.
    Steps of kind 'final' run too (for a single day they are just the last ones).
    """
    timings: list[StepTiming] = []
    with db.connect(url, component="reports") as conn:
        with db.wrap_exceptions():
            steps = conn.execute("SELECT step, proc_name, kind FROM report_chain()").fetchall()
            conn.commit()
        unknown = sorted(set(only) - {s["proc_name"] for s in steps})
        if unknown:
            from pyapp.errors import UsageError

            raise UsageError(f"not a step of the report chain: {', '.join(unknown)}")
        for step in steps:
            if only and step["proc_name"] not in only:
                continue
            started = time.perf_counter()
            with db.wrap_exceptions():
                result = conn.execute(
                    "SELECT run_report_step(%(proc)s, %(day)s, %(replace)s) AS done",
                    {"proc": step["proc_name"], "day": day, "replace": replace},
                ).fetchone()
                conn.commit()
            timing = StepTiming(
                step["step"], step["proc_name"], time.perf_counter() - started, result["done"]
            )
            timings.append(timing)
            if on_step is not None:
                on_step(timing)
    return timings
