"""Partition maintenance from Python: thin, typed calls of the SQL functions (issue 3).

The logic lives in PostgreSQL (``sql/functions``): weekly_report_partitions,
backfill_weekly_report_partitions, missing_weekly_partitions, drop_named_partitions /
drop_old_partitions, truncate_partitions, check_partitions, set_partition_engine and the
report_partition_status / weekly_partitions views. These helpers run one of them each, in
its own transaction, and hand back plain rows; the CLI (``crashstats setup admin``,
``crashstats partitions ...``) and the cron jobs print or log them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import psycopg

from pyapp.db import Database, Row


@dataclass(frozen=True)
class Check:
    """check_partitions(): a Nagios status (0 OK, 1 WARNING, 2 CRITICAL) and its line."""

    status: int
    message: str


@dataclass(frozen=True)
class Created:
    """weekly_report_partitions(): the partitions it created, and one line (the WARNING it
    raised, with its hint) per table it could not do; it did the other tables."""

    partitions: list[str]
    troubles: list[str]


def create(db: Database, weeks: int, target: dt.datetime | None = None) -> Created:
    """weekly_report_partitions(weeks, target or utc_now()): the partitions created, and the
    tables it could not do."""
    troubles: list[str] = []

    def keep(diag: psycopg.errors.Diagnostic) -> None:
        if diag.severity_nonlocalized == "WARNING" and diag.message_primary:
            hint = f" (hint: {diag.message_hint})" if diag.message_hint else ""
            troubles.append(diag.message_primary + hint)

    with db.transaction() as conn:
        conn.add_notice_handler(keep)
        try:
            rows = conn.execute(
                "SELECT * FROM weekly_report_partitions(%(weeks)s, coalesce(%(target)s, utc_now())) AS name",
                {"weeks": weeks, "target": target},
            ).fetchall()
        finally:
            conn.remove_notice_handler(keep)
    return Created([r["name"] for r in rows], troubles)


#: weeks per transaction when backfilling: each transaction holds a lock on every partition and
#: index it creates, and PostgreSQL's lock table is bounded (max_locks_per_transaction)
BACKFILL_WEEKS_PER_TRANSACTION = 13


def backfill(db: Database, start: dt.date, end: dt.date, table: str | None = None) -> list[str]:
    """backfill_weekly_report_partitions over start..end, 13 weeks per transaction: the partitions
    created, oldest first. A failure keeps the windows already committed (rerun-safe)."""
    if start > end:  # let PostgreSQL say it
        return _backfill_window(db, start, end, table)
    created: list[str] = []
    window_start = start
    while window_start <= end:
        window_end = min(window_start + dt.timedelta(weeks=BACKFILL_WEEKS_PER_TRANSACTION, days=-1), end)
        created += _backfill_window(db, window_start, window_end, table)
        window_start = window_end + dt.timedelta(days=1)
    return created


def _backfill_window(db: Database, start: dt.date, end: dt.date, table: str | None) -> list[str]:
    rows = db.fetch_all(
        "SELECT * FROM backfill_weekly_report_partitions(%(start)s, %(end)s, %(table)s) AS name",
        start=start,
        end=end,
        table=table,
    )
    return [r["name"] for r in rows]


def missing(db: Database, start: dt.date, end: dt.date, table: str | None = None) -> list[Row]:
    """missing_weekly_partitions(start, end, table): (table_name, week_begins, engine) to create."""
    return db.fetch_all(
        "SELECT * FROM missing_weekly_partitions(%(start)s, %(end)s, %(table)s)",
        start=start,
        end=end,
        table=table,
    )


def plan(db: Database, weeks: int, target: dt.datetime | None = None) -> list[Row]:
    """weekly_report_partitions_plan: the (table_name, week_begins, engine) create() would make."""
    return db.fetch_all(
        "SELECT * FROM weekly_report_partitions_plan(%(weeks)s, coalesce(%(target)s, utc_now()))",
        weeks=weeks,
        target=target,
    )


def drop_old(
    db: Database,
    cutoff: dt.date,
    *,
    table: str | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> list[Row]:
    """drop_named_partitions (every date_processed table) or drop_old_partitions (one table)."""
    if table is None:
        return db.fetch_all(
            "SELECT * FROM drop_named_partitions(%(cutoff)s, %(force)s, %(dry_run)s)",
            cutoff=cutoff,
            force=force,
            dry_run=dry_run,
        )
    return db.fetch_all(
        "SELECT * FROM drop_old_partitions(%(table)s, %(cutoff)s, %(force)s, %(dry_run)s)",
        table=table,
        cutoff=cutoff,
        force=force,
        dry_run=dry_run,
    )


def retention_cutoff(db: Database, months: int) -> dt.date:
    """retention_cutoff(months): the Monday (UTC) of the week ``months`` months ago."""
    return db.fetch_value("SELECT retention_cutoff(%(months)s)", months=months)


def truncate(db: Database, weeks_to_keep: int, *, dry_run: bool = False) -> list[Row]:
    """truncate_partitions(weeks_to_keep, dry_run): the partitions emptied (or to empty)."""
    return db.fetch_all(
        "SELECT * FROM truncate_partitions(%(weeks)s, %(dry_run)s)", weeks=weeks_to_keep, dry_run=dry_run
    )


def check(db: Database, numpartitions: int, tables: list[str] | None = None) -> Check:
    """check_partitions(tables or every registry table, numpartitions)."""
    row = db.fetch_one(
        "SELECT * FROM check_partitions(%(tables)s::text[], %(n)s)", tables=tables or None, n=numpartitions
    )
    assert row is not None
    return Check(row["result"], row["data"])


def status(db: Database) -> list[Row]:
    """report_partition_status: one row per report_partition_info table, in build_order."""
    return db.fetch_all("SELECT * FROM report_partition_status ORDER BY build_order, table_name")


def partitions_of(db: Database, table: str) -> list[Row]:
    """weekly_partitions of one table, oldest first."""
    return db.fetch_all(
        "SELECT * FROM weekly_partitions WHERE table_name = %(table)s ORDER BY is_default, range_from",
        table=table,
    )


def engine(db: Database, table: str | None = None) -> str:
    """partition_engine(table): the engine of a table, or the database default."""
    return db.fetch_value("SELECT partition_engine(%(table)s)", table=table)


def set_engine(db: Database, engine_name: str, table: str | None = None) -> str:
    """set_partition_engine(engine, table): its one-line summary."""
    return db.fetch_value(
        "SELECT set_partition_engine(%(engine)s, %(table)s)", engine=engine_name, table=table
    )
