"""The partition engines: pg_partman registration and its DEFAULT partition, switching a table
between engines, the setting without the extension, two sessions at once."""

from __future__ import annotations

import datetime as dt
import threading
import time

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.sql.partition_helpers import (
    REGISTRY,
    created,
    created_warning,
    monday,
    partition_of,
    today_utc,
    weeks_of,
)
from tests.support import scalar

pytestmark = pytest.mark.dates  # this week's partitions; pg_partman premakes from the real clock


def quietly(sql: psycopg.Connection, query: str, params: tuple | None = None) -> list[dict]:
    sql.execute("SET client_min_messages = warning")
    try:
        return sql.execute(query, params).fetchall()
    finally:
        sql.execute("RESET client_min_messages")


#: a reports partition's indexes: the registry's 2 keys and 6 indexes, and the copies of the
#: parent's own 3 (the signature trigram, comments and URLs indexes)
REPORTS_INDEXES = 11


def index_count(sql: psycopg.Connection, partition: str) -> int:
    return scalar(sql, "SELECT count(*) FROM pg_indexes WHERE tablename = %s", (partition,))


def test_pg_partman_registration(sql: psycopg.Connection) -> None:
    quietly(sql, "SELECT set_partition_engine('pg_partman')")
    config = sql.execute(
        "SELECT parent_table, partition_type, partition_interval, automatic_maintenance, "
        "infinite_time_partitions FROM partman.part_config ORDER BY parent_table"
    ).fetchall()
    assert [c["parent_table"] for c in config] == sorted(f"public.{t}" for t in REGISTRY)
    assert {
        (
            c["partition_type"],
            c["partition_interval"],
            c["automatic_maintenance"],
            c["infinite_time_partitions"],
        )
        for c in config
    } == {("native", "7 days", "off", True)}
    # pg_partman's <table>_default is gone: no partition swallows rows of a missing week
    assert scalar(sql, "SELECT count(*) FROM weekly_partitions WHERE is_default") == 0
    assert scalar(sql, "SELECT to_regclass('reports_default')") is None
    # its partitions got the registry's keys and indexes
    this_week = monday(today_utc(sql))
    reports = partition_of(sql, "reports", this_week)
    assert reports.startswith("reports_p") and index_count(sql, reports) == REPORTS_INDEXES
    # weekly_report_partitions runs pg_partman's maintenance for its tables: premake from now
    assert scalar(sql, "SELECT upcoming FROM report_partition_status WHERE table_name = 'reports'") >= 4
    # pg_partman's own run_maintenance() (a cron job, the background worker) leaves them alone:
    # new partitions always come through weekly_report_partitions, which finishes them
    before = scalar(sql, "SELECT count(*) FROM weekly_partitions")
    sql.execute("UPDATE partman.part_config SET premake = 10")
    sql.execute("SELECT partman.run_maintenance()")
    assert scalar(sql, "SELECT count(*) FROM weekly_partitions") == before
    # a DBA running it by hand for one table makes bare partitions: the next weekly run finishes them
    sql.execute("SELECT partman.run_maintenance('public.reports', p_jobmon := false)")
    assert scalar(sql, "SELECT count(*) FROM weekly_partitions") > before
    # (bare: only the indexes declared on the parent, which every partition inherits)
    bare = (
        "SELECT count(*) FROM weekly_partitions w WHERE w.table_name = 'reports' "
        f"AND (SELECT count(*) FROM pg_indexes i WHERE i.tablename = w.partition_name) < {REPORTS_INDEXES}"
    )
    assert scalar(sql, bare) > 0
    quietly(sql, "SELECT * FROM weekly_report_partitions()")
    assert scalar(sql, bare) == 0
    assert (
        scalar(
            sql,
            "SELECT count(*) FROM weekly_partitions w WHERE w.table_name = 'reports' AND "
            f"(SELECT count(*) FROM pg_indexes i WHERE i.tablename = w.partition_name) <> {REPORTS_INDEXES}",
        )
        == 0
    )


def test_switching_a_table_with_partitions_and_rows_between_engines(sql: psycopg.Connection) -> None:
    this_week = monday(today_utc(sql))
    created(sql, 1, dt.datetime.combine(this_week, dt.time(12), tzinfo=dt.UTC))
    rid = scalar(sql, "INSERT INTO reports (uuid, date_processed) VALUES ('r', utc_now()) RETURNING id")
    sql.execute("INSERT INTO plugins (id, filename, name) VALUES (1, 'f.so', 'F')")
    sql.execute(
        "INSERT INTO plugins_reports (report_id, plugin_id, date_processed, version) "
        "VALUES (%s, 1, utc_now(), '1')",
        (rid,),
    )
    native_weeks = weeks_of(sql, "reports")
    assert partition_of(sql, "reports", this_week) == f"reports_{this_week:%Y%m%d}"

    quietly(sql, "SELECT set_partition_engine('pg_partman', 'reports')")
    # renamed to pg_partman's scheme (its maintenance orders partitions by name), indexes too
    iso = this_week.isocalendar()
    renamed = partition_of(sql, "reports", this_week)
    assert renamed == f"reports_p{iso.year}w{iso.week:02d}"
    assert index_count(sql, renamed) == REPORTS_INDEXES
    assert scalar(sql, "SELECT to_regclass(%s) IS NOT NULL", (f"{renamed}_id_key",))
    assert scalar(sql, "SELECT tableoid::regclass::text FROM reports WHERE uuid = 'r'") == renamed
    # plugins_reports (still native) keeps its foreign key to the renamed partition
    fk = scalar(
        sql,
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' AND conrelid = %s::regclass "
        "AND conname LIKE '%%report_id%%'",
        (partition_of(sql, "plugins_reports", this_week),),
    )
    assert f"REFERENCES {renamed}(id)" in fk
    assert (
        scalar(sql, "SELECT engine FROM report_partition_info WHERE table_name = 'reports'") == "pg_partman"
    )
    assert scalar(sql, "SELECT partition_engine('plugins_reports')") == "native"
    # later weeks come from pg_partman, after the existing ones; nothing overlaps
    quietly(sql, "SELECT * FROM weekly_report_partitions(6)")
    later = [w for w in weeks_of(sql, "reports") if w > native_weeks[-1]]
    assert later and all(partition_of(sql, "reports", w).startswith("reports_p") for w in later)
    assert all(partition_of(sql, "plugins_reports", w).startswith("plugins_reports_2") for w in later)

    # and back: pg_partman forgets the table, new weeks are ours again, old names still found
    quietly(sql, "SELECT set_partition_engine('default', 'reports')")
    assert scalar(sql, "SELECT count(*) FROM partman.part_config WHERE parent_table = 'public.reports'") == 0
    assert scalar(sql, "SELECT to_regclass('partman.template_public_reports')") is None
    quietly(sql, "SELECT * FROM weekly_report_partitions(12)")
    newest = weeks_of(sql, "reports")[-1]
    assert partition_of(sql, "reports", newest) == f"reports_{newest:%Y%m%d}"
    assert scalar(sql, "SELECT find_weekly_partition(utc_today(), 'reports')") == renamed


def test_pg_partman_engine_without_the_extension_is_a_clear_error(sql: psycopg.Connection) -> None:
    sql.execute("SET LOCAL crashstats.partition_engine = 'pg_partman'")
    assert scalar(sql, "SELECT partition_engine('reports')") == "pg_partman"
    # each table says so (a WARNING naming it) and gets no partition
    names, warnings = created_warning(sql, 0, "2026-11-25Z")
    assert names == [] and len(warnings) == len(REGISTRY)
    message, hint = warnings[0]
    assert message == (
        "no weekly partitions made for reports: reports uses the pg_partman engine, but the pg_partman "
        "extension is not installed in this database"
    )
    assert "set_partition_engine('native')" in (hint or "")
    with (
        pytest.raises(psycopg.errors.FeatureNotSupported, match="pg_partman extension is not installed"),
        sql.transaction(),
    ):
        sql.execute("SELECT create_weekly_partition('reports', '2026-11-25')")
    # a table of its own engine is not affected by the database default
    sql.execute("UPDATE report_partition_info SET engine = 'native'")
    assert len(created(sql, 0, "2026-11-25Z")) == len(REGISTRY)


def test_engine_settings_are_checked(sql: psycopg.Connection) -> None:
    for call, error, message in (
        (
            "SELECT set_partition_engine('partman')",
            psycopg.errors.InvalidParameterValue,
            "native or pg_partman",
        ),
        (
            "SELECT set_partition_engine('default')",
            psycopg.errors.InvalidParameterValue,
            "native or pg_partman",
        ),
        ("SELECT set_partition_engine('native', 'nope')", psycopg.errors.UndefinedObject, "nope is not in"),
    ):
        with pytest.raises(error, match=message), sql.transaction():
            sql.execute(call)
    sql.execute("SET LOCAL crashstats.partition_engine = 'bogus'")
    with pytest.raises(
        psycopg.errors.InvalidParameterValue, match=r'crashstats\.partition_engine is "bogus"'
    ):
        sql.execute("SELECT partition_engine('reports')")


def test_a_default_partition_is_dropped_when_empty_and_refused_with_rows(sql: psycopg.Connection) -> None:
    sql.execute("CREATE TABLE raw_crashes_default PARTITION OF raw_crashes DEFAULT")
    sql.execute("CREATE TABLE reports_catchall PARTITION OF reports DEFAULT")
    sql.execute("INSERT INTO reports (uuid, date_processed) VALUES ('lost', '2026-11-25Z')")
    names, warnings = created_warning(sql, 0, "2026-11-25Z")
    message, hint = warnings[0]
    assert message == (
        "no weekly partitions made for reports: "
        "reports has a DEFAULT partition, reports_catchall, holding rows"
    )
    assert "DETACH PARTITION reports_catchall" in (hint or "")
    # the tables whose weeks reference reports' (plugins_reports, extensions) wait with it; the rest are done
    assert {m.split(":")[0].rsplit(" ", 1)[1] for m, _ in warnings} == {
        "reports",
        "plugins_reports",
        "extensions",
    }
    assert {partition_of(sql, t, dt.date(2026, 11, 23)) is not None for t in REGISTRY[3:]} == {True}
    assert scalar(sql, "SELECT to_regclass('raw_crashes_default')") is None
    sql.execute("DELETE FROM reports")
    names = created(sql, 0, "2026-11-25Z")
    assert len(names) == 3
    assert scalar(sql, "SELECT count(*) FROM weekly_partitions WHERE is_default") == 0


def test_the_engine_default_is_a_database_setting(fresh_db: str) -> None:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("SET client_min_messages = warning")
        summary = scalar(conn, "SELECT set_partition_engine('pg_partman')")
        assert summary.endswith("pg_partman (tables with their own engine keep it)")
    with psycopg.connect(fresh_db) as conn:  # a new session sees it (ALTER DATABASE ... SET)
        assert scalar(conn, "SELECT partition_engine(NULL)") == "pg_partman"
        assert scalar(conn, "SELECT count(*) FROM partman.part_config") == len(REGISTRY)


@pytest.mark.parametrize("engine_name", ["native", "pg_partman"])
def test_two_sessions_at_once(fresh_db: str, engine_name: str) -> None:
    if engine_name == "pg_partman":
        with psycopg.connect(fresh_db, autocommit=True) as conn:
            conn.execute("SET client_min_messages = warning")
            conn.execute("SELECT set_partition_engine('pg_partman')")
    call = "SELECT * FROM weekly_report_partitions(2, '2030-01-09Z')"
    with (
        psycopg.connect(fresh_db, row_factory=dict_row) as first,
        psycopg.connect(fresh_db, row_factory=dict_row) as second,
        psycopg.connect(fresh_db, autocommit=True) as watcher,
    ):
        first_names = [r["weekly_report_partitions"] for r in first.execute(call)]  # lock held, not committed
        result: dict[str, object] = {}

        def run_second() -> None:
            try:
                result["names"] = [r["weekly_report_partitions"] for r in second.execute(call)]
                second.commit()
            except Exception as exc:  # reported by the main thread
                result["error"] = exc

        thread = threading.Thread(target=run_second)
        thread.start()
        pid = second.info.backend_pid
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT wait_event FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'", (pid,)
            ).fetchone()
            if waiting:
                break
            time.sleep(0.05)
        assert waiting == ("advisory",)  # the second session queues on the partition lock
        first.commit()
        thread.join(60)
        assert not thread.is_alive()
        assert "error" not in result, result.get("error")
        assert result["names"] == []
        weeks = [dt.date(2030, 1, 7) + dt.timedelta(weeks=w) for w in range(3)]
        with first.cursor() as cur:
            rows = cur.execute(
                "SELECT table_name, week_begins, count(*) AS n FROM weekly_partitions "
                "WHERE week_begins = ANY(%s) GROUP BY 1, 2",
                (weeks,),
            ).fetchall()
        assert sorted((r["table_name"], r["week_begins"], r["n"]) for r in rows) == sorted(
            (t, w, 1) for t in REGISTRY for w in weeks
        )
        assert len(first_names) >= 3 * len(REGISTRY)
