"""Dropping, truncating and checking weekly partitions, under both engines: everything found
through the catalog, so pg_partman's partition names behave like ours."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from tests.sql.partition_helpers import (
    DATE_PROCESSED_TABLES,
    REGISTRY,
    created,
    monday,
    partition_of,
    today_utc,
    weeks_of,
)
from tests.support import scalar

pytestmark = pytest.mark.dates  # partitions around today's week, truncation and retention cut-offs


def backfill(sql: psycopg.Connection, start: dt.date, end: dt.date, table: str | None = None) -> list[str]:
    return [
        r["backfill_weekly_report_partitions"]
        for r in sql.execute(
            "SELECT * FROM backfill_weekly_report_partitions(%s, %s, %s)", (start, end, table)
        )
    ]


def at(week: dt.date, hours: int = 36) -> dt.datetime:
    """A moment inside the week (UTC)."""
    return dt.datetime.combine(week, dt.time(), tzinfo=dt.UTC) + dt.timedelta(hours=hours)


def count(sql: psycopg.Connection, table: str, week: dt.date) -> int:
    return scalar(
        sql,
        f"SELECT count(*) FROM {table} WHERE date_processed >= %s AND date_processed < %s",
        (week, week + dt.timedelta(days=7)),
    )


@pytest.fixture
def summary_table(sql: psycopg.Connection) -> str:
    """A report_date (DATE) aggregate in the registry, like issue 6's signature_summary_* tables."""
    sql.execute(
        "CREATE TABLE signature_summary_test (report_date date NOT NULL, report_count int) "
        "PARTITION BY RANGE (report_date)"
    )
    sql.execute(
        "INSERT INTO report_partition_info (table_name, build_order, indexes, partition_column, timetype) "
        "VALUES ('signature_summary_test', 20, '{report_date}', 'report_date', 'DATE')"
    )
    return "signature_summary_test"


def test_drop_named_partitions_drops_old_weeks_dependants_first(
    sql: psycopg.Connection, engine: str, summary_table: str
) -> None:
    today = today_utc(sql)
    old = monday(today - dt.timedelta(days=800))
    backfill(sql, old, old + dt.timedelta(weeks=2))
    created(sql, 1, at(monday(today)))
    # an old crash with its plugin row: the WEEKNUM foreign key ties the two partitions
    sql.execute("INSERT INTO plugins (id, filename, name) VALUES (1, 'f.so', 'F')")
    rid = scalar(sql, "INSERT INTO reports (uuid, date_processed) VALUES ('r', %s) RETURNING id", (at(old),))
    sql.execute(
        "INSERT INTO plugins_reports (report_id, plugin_id, date_processed, version) VALUES (%s, 1, %s, '1')",
        (rid, at(old)),
    )
    cutoff = scalar(sql, "SELECT retention_cutoff(12)")
    assert cutoff == monday(cutoff) and cutoff <= today - dt.timedelta(days=365)
    before = {t: weeks_of(sql, t) for t in (*REGISTRY, summary_table)}

    plan = sql.execute("SELECT * FROM drop_named_partitions(%s, false, true)", (cutoff,)).fetchall()
    assert {t: weeks_of(sql, t) for t in before} == before  # a dry run drops nothing
    dropped = sql.execute("SELECT * FROM drop_named_partitions(%s)", (cutoff,)).fetchall()
    assert dropped == plan
    old_weeks = [old + dt.timedelta(weeks=w) for w in range(3)]
    assert sorted((r["table_name"], r["week_begins"]) for r in dropped) == sorted(
        (t, w) for t in DATE_PROCESSED_TABLES for w in old_weeks
    )
    # dependants first: reverse build_order
    order = [r["table_name"] for r in dropped]
    assert order.index("plugins_reports") < order.index("reports")
    assert order.index("reports_user_info") < order.index("reports_clean") < order.index("missing_symbols")
    for table in DATE_PROCESSED_TABLES:
        assert weeks_of(sql, table) == [w for w in before[table] if w not in old_weeks]
        assert monday(today) in weeks_of(sql, table)
    # report_date aggregates are not date_processed tables: kept
    assert weeks_of(sql, summary_table) == before[summary_table]
    assert scalar(sql, "SELECT count(*) FROM reports") == 0
    assert sql.execute("SELECT * FROM drop_named_partitions(%s)", (cutoff,)).fetchall() == []


def test_drop_refuses_a_cutoff_less_than_a_year_back(sql: psycopg.Connection, engine: str) -> None:
    today = today_utc(sql)
    backfill(sql, today - dt.timedelta(days=70), today)
    sql.execute(
        "INSERT INTO reports (uuid, date_processed) VALUES ('r', %s)",
        (at(monday(today - dt.timedelta(days=60))),),
    )
    before = {t: weeks_of(sql, t) for t in REGISTRY}
    cutoff = today - dt.timedelta(days=30)
    for call in (
        "SELECT * FROM drop_named_partitions(%s)",
        "SELECT * FROM drop_named_partitions(%s, false, true)",
        "SELECT * FROM drop_old_partitions('raw_crashes', %s)",
    ):
        with (
            pytest.raises(psycopg.errors.InvalidParameterValue, match="less than 12 months back") as info,
            sql.transaction(),
        ):
            sql.execute(call, (cutoff,))
        assert "p_force => true" in info.value.diag.message_hint
    assert {t: weeks_of(sql, t) for t in REGISTRY} == before
    # 12 months and a day back is allowed, and so is anything when forced
    assert sql.execute("SELECT * FROM drop_named_partitions(retention_cutoff(12))").fetchall() == []
    dropped = sql.execute("SELECT * FROM drop_named_partitions(%s, p_force => true)", (cutoff,)).fetchall()
    assert {r["table_name"] for r in dropped} == set(DATE_PROCESSED_TABLES)
    assert all(r["week_begins"] + dt.timedelta(days=7) <= cutoff for r in dropped)
    assert all(w + dt.timedelta(days=7) > cutoff for t in DATE_PROCESSED_TABLES for w in weeks_of(sql, t))
    assert scalar(sql, "SELECT count(*) FROM reports") == 0


def test_drop_old_partitions_of_one_table(sql: psycopg.Connection, engine: str) -> None:
    today = today_utc(sql)
    old = monday(today - dt.timedelta(days=800))
    backfill(sql, old, old)
    cutoff = scalar(sql, "SELECT retention_cutoff(12)")
    dropped = sql.execute("SELECT * FROM drop_old_partitions('raw_crashes', %s)", (cutoff,)).fetchall()
    assert [(r["table_name"], r["week_begins"]) for r in dropped] == [("raw_crashes", old)]
    assert partition_of(sql, "raw_crashes", old) is None and partition_of(sql, "processed_crashes", old)
    # reports' partition is still referenced by plugins_reports' partition of that week
    with (
        pytest.raises(psycopg.errors.DependentObjectsStillExist, match="still referenced") as info,
        sql.transaction(),
    ):
        sql.execute("SELECT * FROM drop_old_partitions('reports', %s)", (cutoff,))
    assert "drop_named_partitions" in info.value.diag.message_hint
    with (
        pytest.raises(psycopg.errors.WrongObjectType, match="plugins is not a partitioned table"),
        sql.transaction(),
    ):
        sql.execute("SELECT * FROM drop_old_partitions('plugins', %s)", (cutoff,))


def test_truncate_keeps_recent_data_and_the_tables(sql: psycopg.Connection, engine: str) -> None:
    today = today_utc(sql)
    old = monday(today - dt.timedelta(weeks=40))
    recent = monday(today)
    backfill(sql, old, old)
    created(sql, 0, at(recent))
    for week, n in ((old, 3), (recent, 2)):
        for i in range(n):
            sql.execute(
                "INSERT INTO raw_crashes (uuid, raw_crash, date_processed) "
                "VALUES (gen_random_uuid(), '{}', %s)",
                (at(week, i),),
            )
            sql.execute(
                "INSERT INTO processed_crashes (uuid, processed_crash, date_processed) "
                "VALUES (gen_random_uuid(), '{}', %s)",
                (at(week, i),),
            )
        sql.execute("INSERT INTO reports (uuid, date_processed) VALUES (%s, %s)", (f"r{week}", at(week)))
        sql.execute("INSERT INTO missing_symbols (date_processed, debug_file) VALUES (%s, 'x.pdb')", (week,))
    tables = ("raw_crashes", "processed_crashes", "reports")
    before = {(t, w): count(sql, t, w) for t in tables for w in (old, recent)}
    assert before == {(t, old): 3 if t != "reports" else 1 for t in tables} | {
        (t, recent): 2 if t != "reports" else 1 for t in tables
    }

    plan = sql.execute("SELECT * FROM truncate_partitions(26, true)").fetchall()
    assert {(t, w): count(sql, t, w) for t in tables for w in (old, recent)} == before
    done = sql.execute("SELECT * FROM truncate_partitions(26)").fetchall()
    assert done == plan
    assert [(r["table_name"], r["week_begins"]) for r in done] == [
        ("raw_crashes", old),
        ("processed_crashes", old),
    ]
    after = {(t, w): count(sql, t, w) for t in tables for w in (old, recent)}
    assert after == before | {("raw_crashes", old): 0, ("processed_crashes", old): 0}
    assert partition_of(sql, "raw_crashes", old) and partition_of(sql, "processed_crashes", old)  # kept
    assert sql.execute("SELECT * FROM truncate_partitions(26)").fetchall() == []  # empty: left alone

    # the registry decides: a DBA adds missing_symbols with its own retention ...
    sql.execute(
        "UPDATE report_partition_info SET truncate_old = true, truncate_after_weeks = 30 "
        "WHERE table_name = 'missing_symbols'"
    )
    # ... and keeps raw_crashes a year
    sql.execute("UPDATE report_partition_info SET truncate_after_weeks = 52 WHERE table_name = 'raw_crashes'")
    sql.execute(
        "INSERT INTO raw_crashes (uuid, raw_crash, date_processed) VALUES (gen_random_uuid(), '{}', %s)",
        (at(old),),
    )
    done = sql.execute("SELECT * FROM truncate_partitions(26)").fetchall()
    assert [(r["table_name"], r["week_begins"]) for r in done] == [("missing_symbols", old)]
    assert scalar(sql, "SELECT count(*) FROM missing_symbols") == 1
    assert count(sql, "raw_crashes", old) == 1
    # a shorter weeks_to_keep reaches the tables without their own retention only
    assert sql.execute("SELECT * FROM truncate_partitions(1, true)").fetchall() == []


def test_truncate_keeps_weekly_foreign_keys_together(sql: psycopg.Connection, engine: str) -> None:
    today = today_utc(sql)
    old = monday(today - dt.timedelta(weeks=40))
    backfill(sql, old, old)
    sql.execute("INSERT INTO reports (uuid, date_processed) VALUES ('r', %s)", (at(old),))
    sql.execute("UPDATE report_partition_info SET truncate_old = true WHERE table_name = 'reports'")
    with (
        pytest.raises(psycopg.errors.FeatureNotSupported, match="cannot truncate") as info,
        sql.transaction(),
    ):
        sql.execute("SELECT * FROM truncate_partitions(26)")
    assert "mark the referencing table truncate_old" in info.value.diag.message_hint
    assert count(sql, "reports", old) == 1
    sql.execute(
        "UPDATE report_partition_info SET truncate_old = true "
        "WHERE table_name IN ('plugins_reports', 'extensions')"
    )
    done = sql.execute("SELECT * FROM truncate_partitions(26)").fetchall()
    # truncated together (one statement); only reports held rows
    assert [(r["table_name"], r["week_begins"]) for r in done] == [("reports", old)]
    assert count(sql, "reports", old) == 0


def test_truncate_refuses_nonsense(sql: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="weeks_to_keep must be 1 or more"):
        sql.execute("SELECT * FROM truncate_partitions(0)")


def test_check_partitions_is_nagios_style(sql: psycopg.Connection, engine: str) -> None:
    def check(tables: list[str] | None, n: int) -> tuple[int, str]:
        row = sql.execute("SELECT * FROM check_partitions(%s, %s)", (tables, n)).fetchone()
        return row["result"], row["data"]

    created(sql, 2, at(monday(today_utc(sql)), 1))
    assert check(None, 2) == (
        0,
        f"PARTITIONS OK - {len(REGISTRY)} tables have this week's partition and at least 2 upcoming",
    )
    assert check(["reports"], 2) == (
        0,
        "PARTITIONS OK - 1 tables have this week's partition and at least 2 upcoming",
    )
    status, line = check(["reports", "raw_crashes"], 12)
    assert status == 1
    assert (
        line.startswith("PARTITIONS WARNING - reports has ")
        and "upcoming weekly partitions (want 12)" in line
    )
    # a DEFAULT partition is critical: it would swallow rows of missing weeks
    sql.execute("CREATE TABLE extensions_default PARTITION OF extensions DEFAULT")
    status, line = check(None, 2)
    assert (status, line) == (
        2,
        "PARTITIONS CRITICAL - extensions has a DEFAULT partition (extensions_default)",
    )
    sql.execute("DROP TABLE extensions_default")
    sql.execute(f"DROP TABLE {partition_of(sql, 'raw_crashes', monday(today_utc(sql)))}")
    status, line = check(None, 2)
    assert status == 2
    assert line.startswith("PARTITIONS CRITICAL - raw_crashes has no partition for the week of ")
    status, line = check(["plugins"], 0)
    assert (status, line) == (2, "PARTITIONS CRITICAL - plugins is not a partitioned table")


@pytest.mark.parametrize(
    ("now", "months", "expected"),
    [
        ("2026-03-31 10:00Z", 1, "2026-02-23"),  # 2026-02-28 is a Saturday
        ("2024-02-29 23:00Z", 12, "2023-02-27"),
        ("2026-12-01 00:00Z", 12, "2025-12-01"),  # a Monday
        ("2026-01-15 12:00Z", 13, "2024-12-09"),
    ],
)
def test_retention_cutoff_is_the_monday_of_that_week(sql, now: str, months: int, expected: str) -> None:
    sql.execute("SET LOCAL timezone TO 'Pacific/Auckland'")
    assert str(scalar(sql, "SELECT retention_cutoff(%s, %s)", (months, now))) == expected
