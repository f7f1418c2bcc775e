"""Weekly partition creation driven by report_partition_info (native partitions)."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from pyapp import migrate
from tests.support import scalar


def created(sql: psycopg.Connection, numweeks: int, target: str) -> list[str]:
    return [
        r["weekly_report_partitions"]
        for r in sql.execute("SELECT * FROM weekly_report_partitions(%s, %s)", (numweeks, target))
    ]


def test_creates_current_and_following_weeks_in_build_order(sql: psycopg.Connection) -> None:
    names = created(sql, 1, "2026-12-31 23:00Z")
    registry = [
        r["table_name"]
        for r in sql.execute("SELECT table_name::text FROM report_partition_info ORDER BY build_order")
    ]
    assert names == [f"{t}_20261228" for t in registry] + [f"{t}_20270104" for t in registry]
    # across the year boundary, Monday-based, UTC bounds whatever the session time zone
    sql.execute("SET LOCAL timezone TO 'Pacific/Auckland'")
    row = sql.execute(
        "SELECT range_from, range_to, week_begins FROM weekly_partitions"
        " WHERE partition_name = 'reports_20261228'"
    ).fetchone()
    assert row["week_begins"] == dt.date(2026, 12, 28)
    assert row["range_from"] == dt.datetime(2026, 12, 28, tzinfo=dt.UTC)
    assert row["range_to"] == dt.datetime(2027, 1, 4, tzinfo=dt.UTC)


def test_is_idempotent(sql: psycopg.Connection) -> None:
    registry = [
        r["table_name"]
        for r in sql.execute(
            "SELECT table_name::text FROM report_partition_info ORDER BY build_order, table_name"
        )
    ]
    assert registry[:8] == [
        "reports",
        "plugins_reports",
        "extensions",
        "raw_crashes",
        "processed_crashes",
        "missing_symbols",
        "reports_clean",
        "reports_user_info",
    ]
    assert len(created(sql, 2, "2026-11-28 12:00Z")) == 3 * len(registry)
    assert created(sql, 2, "2026-11-28 12:00Z") == []
    assert created(sql, 3, "2026-11-28 12:00Z") == [f"{t}_20261214" for t in registry]


def test_a_dst_change_does_not_move_week_bounds(sql: psycopg.Connection) -> None:
    sql.execute("SET LOCAL timezone TO 'Europe/Berlin'")  # DST ends on 2026-10-25
    created(sql, 1, "2026-10-24 12:00Z")
    weeks = sql.execute(
        "SELECT range_from, range_to FROM weekly_partitions WHERE table_name = 'reports' ORDER BY range_from"
    ).fetchall()
    assert [(w["range_from"], w["range_to"]) for w in weeks] == [
        (dt.datetime(2026, 10, 19, tzinfo=dt.UTC), dt.datetime(2026, 10, 26, tzinfo=dt.UTC)),
        (dt.datetime(2026, 10, 26, tzinfo=dt.UTC), dt.datetime(2026, 11, 2, tzinfo=dt.UTC)),
    ]


def test_keys_indexes_and_weeknum_foreign_keys(sql: psycopg.Connection) -> None:
    created(sql, 0, "2026-11-25Z")
    indexes = {
        r["indexname"]: r["indexdef"]
        for r in sql.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'reports_20261123'"
        )
    }
    assert "UNIQUE INDEX reports_20261123_id_key ON public.reports_20261123 USING btree (id)" in "".join(
        indexes.values()
    )
    assert any("(product, version)" in d and "UNIQUE" not in d for d in indexes.values())
    assert any(d.endswith("(uuid)") and "UNIQUE" in d for d in indexes.values())
    fkeys = sorted(
        r["def"]
        for r in sql.execute(
            "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint "
            "WHERE conrelid = 'plugins_reports_20261123'::regclass AND contype = 'f'"
        )
    )
    assert fkeys == [
        "FOREIGN KEY (plugin_id) REFERENCES plugins(id) ON UPDATE CASCADE ON DELETE CASCADE",
        "FOREIGN KEY (report_id) REFERENCES reports_20261123(id) ON UPDATE CASCADE ON DELETE CASCADE",
    ]


def test_inserts_land_in_the_partition_of_their_week(sql: psycopg.Connection) -> None:
    created(sql, 1, "2026-11-29Z")
    for uuid, when in [
        ("a", "2026-11-29 23:59:59.999Z"),
        ("b", "2026-11-30 00:00:00Z"),
        ("c", "2026-11-23 00:00:00Z"),
    ]:
        sql.execute("INSERT INTO reports (uuid, date_processed) VALUES (%s, %s)", (uuid, when))
    rows = sql.execute("SELECT tableoid::regclass::text AS part, uuid FROM reports ORDER BY uuid").fetchall()
    assert [(r["uuid"], r["part"]) for r in rows] == [
        ("a", "reports_20261123"),
        ("b", "reports_20261130"),
        ("c", "reports_20261123"),
    ]
    # a DATE-partitioned table
    sql.execute("INSERT INTO missing_symbols (date_processed, debug_file) VALUES ('2026-11-30', 'x.pdb')")
    assert scalar(sql, "SELECT tableoid::regclass::text FROM missing_symbols") == "missing_symbols_20261130"


def test_a_week_without_partition_refuses_the_row(sql: psycopg.Connection) -> None:
    created(sql, 0, "2026-11-29Z")
    with pytest.raises(psycopg.errors.CheckViolation, match='no partition of relation "reports" found'):
        sql.execute("INSERT INTO reports (uuid, date_processed) VALUES ('x', '2027-06-01Z')")


def test_find_weekly_partition(sql: psycopg.Connection) -> None:
    created(sql, 1, "2026-11-29Z")
    assert scalar(sql, "SELECT find_weekly_partition('2026-11-29', 'reports')") == "reports_20261123"
    assert (
        scalar(sql, "SELECT find_weekly_partition('2026-12-06', 'missing_symbols')")
        == "missing_symbols_20261130"
    )
    with pytest.raises(
        psycopg.errors.UndefinedTable, match=r"no partition of reports for 2027-01-01"
    ) as info:
        scalar(sql, "SELECT find_weekly_partition('2027-01-01', 'reports')")
    assert "weekly_report_partitions(0, '2027-01-01')" in info.value.diag.message_hint


def test_registry_errors_are_clear(sql: psycopg.Connection) -> None:
    sql.execute(
        "INSERT INTO report_partition_info (table_name, build_order, partition_column, timetype) "
        "VALUES ('no_such_table', 99, 'date_processed', 'TIMESTAMPTZ')"
    )
    with pytest.raises(psycopg.errors.UndefinedTable, match="names no_such_table but there is no such table"):
        created(sql, 0, "2026-11-29Z")


def test_bad_arguments(sql: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="numweeks must be 0 or more"):
        created(sql, -1, "2026-11-29Z")


def test_downgrade_base_removes_partitioned_tables_with_their_partitions(fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as conn:
        conn.execute("SELECT weekly_report_partitions(3, '2026-11-29Z')")
    migrate.downgrade(fresh_db, "base")
    with psycopg.connect(fresh_db) as conn:
        assert (
            scalar(
                conn,
                "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relname <> 'alembic_version' AND relname <> 'alembic_version_pkc'",
            )
            == 0
        )
