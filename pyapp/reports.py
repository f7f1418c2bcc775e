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
from psycopg.rows import dict_row, tuple_row

from pyapp import db, parallel

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
    #: when it started, in seconds after the run began
    started: float = 0.0


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
    """The steps of the daily chain (``report_chain()``), in order, each with its ``depends_on``."""
    with db.connect(url, component="reports") as conn, db.wrap_exceptions():
        return conn.execute("SELECT step, proc_name, kind, depends_on FROM report_chain()").fetchall()


def _run_step(url: str, step: dict, day: dt.date, replace: bool, origin: float) -> StepTiming:
    """One ``run_report_step`` in its own connection and transaction, timed from ``origin``."""
    started = time.perf_counter()
    with db.connect(url, component="reports") as conn, db.wrap_exceptions():
        result = conn.execute(
            "SELECT run_report_step(%(proc)s, %(day)s, %(replace)s) AS done",
            {"proc": step["proc_name"], "day": day, "replace": replace},
        ).fetchone()
        conn.commit()
    return StepTiming(
        step["step"], step["proc_name"], time.perf_counter() - started, result["done"], started - origin
    )


def run_day(
    url: str,
    day: dt.date,
    *,
    replace: bool = False,
    only: Sequence[str] = (),
    jobs: int = 1,
    on_step: Callable[[StepTiming], None] | None = None,
) -> list[StepTiming]:
    """Run the chain for one UTC day, each step in its own transaction (``run_report_step``).

    ``replace`` recomputes steps already done for the day; ``only`` limits the steps run (a
    dependency outside them counts as met). Steps of kind 'final' run too (for a single day they
    are just the last ones). With ``jobs`` above 1, up to that many steps run at once, each on
    its own connection: a step starts once the steps it depends on (``report_chain().depends_on``)
    have committed, in chain order among those ready. A failed step stops the run as it does one
    step at a time: nothing new starts, the steps already running finish, and its error is
    raised. Returns the steps run in the order they finished; ``on_step`` is called as each does.
    """
    from pyapp.errors import UsageError

    if jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {jobs}")
    steps = chain(url)
    unknown = sorted(set(only) - {s["proc_name"] for s in steps})
    if unknown:
        raise UsageError(f"not a step of the report chain: {', '.join(unknown)}")
    selected = {s["proc_name"]: s for s in steps if not only or s["proc_name"] in only}
    timings: list[StepTiming] = []
    origin = time.perf_counter()

    def done(_name: str, timing: StepTiming) -> None:
        timings.append(timing)
        if on_step is not None:
            on_step(timing)

    parallel.run_in_order(
        list(selected),
        {name: step["depends_on"] for name, step in selected.items()},
        lambda name: _run_step(url, selected[name], day, replace, origin),
        at_once=jobs,
        on_done=done,
        thread_name="report-step",
    )
    return timings


#: one call of the live reports' counter (docs/live-reports.md)
COUNT_LIVE = "SELECT update_reports_live(%(limit)s, make_interval(secs => %(gap)s))"


def count_live(conn: psycopg.Connection, limit: int = 20000, min_gap: float = 0.0) -> int | None:
    """Count the crashes processed since the last call in the live reports, in one transaction
    of ``conn``: how many were taken, or None while update_reports_clean runs (they wait).
    ``min_gap``: do nothing (0) within that many seconds of the last call that counted."""
    with db.wrap_exceptions(), conn.transaction():
        row = (
            conn.cursor(row_factory=tuple_row)
            .execute(COUNT_LIVE, {"limit": limit, "gap": min_gap})
            .fetchone()
        )
    return None if row is None else row[0]


def count_live_until_empty(conn: psycopg.Connection, limit: int = 20000) -> int:
    """:func:`count_live` until the queue is empty (or a batch run holds the lock): the crashes taken."""
    total = 0
    while True:
        taken = count_live(conn, limit)
        if not taken:
            return total
        total += taken


#: how current each report is
FRESHNESS = "SELECT * FROM reports_freshness"


def freshness(url: str) -> list[dict]:
    """The rows of the reports_freshness view."""
    with db.connect(url, component="reports-status") as conn, db.wrap_exceptions():
        return conn.cursor(row_factory=dict_row).execute(FRESHNESS).fetchall()
