"""Helpers of the partition tests: look partitions up through the catalog, as the code does."""

from __future__ import annotations

import datetime as dt

import psycopg

#: the seed's tables partitioned on date_processed (the ones drop_named_partitions drops)
DATE_PROCESSED_TABLES = (
    "reports",
    "plugins_reports",
    "extensions",
    "raw_crashes",
    "processed_crashes",
    "missing_symbols",
    "reports_clean",
    "reports_user_info",
    "raw_crash_fields",
)

#: every seed row of report_partition_info, in build order
REGISTRY = (
    "reports",
    "plugins_reports",
    "extensions",
    "raw_crashes",
    "processed_crashes",
    "missing_symbols",
    "reports_clean",
    "reports_user_info",
    "raw_crash_fields",
    "signature_summary_products",
    "signature_summary_installations",
    "signature_summary_uptime",
    "signature_summary_os",
    "signature_summary_process_type",
    "signature_summary_architecture",
    "signature_summary_flash_version",
    "signature_summary_device",
    "signature_summary_graphics",
)


def created(sql: psycopg.Connection, numweeks: int, target: str | dt.datetime) -> list[str]:
    return [
        r["weekly_report_partitions"]
        for r in sql.execute("SELECT * FROM weekly_report_partitions(%s, %s)", (numweeks, target))
    ]


def created_warning(
    sql: psycopg.Connection, numweeks: int, target: str | dt.datetime
) -> tuple[list[str], list[tuple[str, str | None]]]:
    """weekly_report_partitions(numweeks, target): the partitions created and the (message, hint)
    of each WARNING it raised (one per table it could not do)."""
    warnings: list[tuple[str, str | None]] = []

    def keep(diag: psycopg.errors.Diagnostic) -> None:
        if diag.severity_nonlocalized == "WARNING":
            warnings.append((diag.message_primary or "", diag.message_hint))

    sql.add_notice_handler(keep)
    try:
        names = created(sql, numweeks, target)
    finally:
        sql.remove_notice_handler(keep)
    return names, warnings


def table_weeks(sql: psycopg.Connection, names: list[str]) -> list[tuple[str, dt.date]]:
    """(table, week) of each partition name, in the given order."""
    rows = {
        r["partition_name"]: (r["table_name"], r["week_begins"])
        for r in sql.execute(
            "SELECT partition_name, table_name, week_begins FROM weekly_partitions "
            "WHERE partition_name = ANY(%s)",
            (names,),
        )
    }
    return [rows[n] for n in names]


def partition_of(sql: psycopg.Connection, table: str, week: dt.date) -> str | None:
    row = sql.execute(
        "SELECT partition_name FROM weekly_partitions "
        "WHERE table_name = %s AND week_begins = %s AND NOT is_default",
        (table, week),
    ).fetchone()
    return None if row is None else row["partition_name"]


def weeks_of(sql: psycopg.Connection, table: str) -> list[dt.date]:
    return [
        r["week_begins"]
        for r in sql.execute(
            "SELECT week_begins FROM weekly_partitions WHERE table_name = %s AND NOT is_default "
            "ORDER BY range_from",
            (table,),
        )
    ]


def today_utc(sql: psycopg.Connection) -> dt.date:
    return sql.execute("SELECT utc_today() AS d").fetchone()["d"]


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
