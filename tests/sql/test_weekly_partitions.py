"""Weekly partition creation driven by report_partition_info, under both engines (native and
pg_partman): year boundary, DST, keys/indexes/WEEKNUM foreign keys, idempotence, the seed's
reports_duplicates statement, inserts across a week boundary, the writers' contract."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from pyapp import migrate
from tests.sql.partition_helpers import (
    REGISTRY,
    created,
    created_warning,
    partition_of,
    table_weeks,
    weeks_of,
)
from tests.support import scalar

pytestmark = pytest.mark.dates  # pg_partman premakes weeks from the real clock

UTC = dt.UTC


def test_creates_current_and_following_weeks_in_build_order(sql: psycopg.Connection, engine: str) -> None:
    names = created(sql, 1, "2026-12-31 23:00Z")
    wanted = [(t, dt.date(2026, 12, 28)) for t in REGISTRY] + [(t, dt.date(2027, 1, 4)) for t in REGISTRY]
    got = table_weeks(sql, names)
    if engine == "native":
        assert names == [f"{t}_20261228" for t in REGISTRY] + [f"{t}_20270104" for t in REGISTRY]
    else:
        # pg_partman premakes weeks from the real clock (it reads now() itself) when a table is
        # put under it, so near the end of 2026 the asked-for weeks may exist already: they all
        # exist now, and those this call made came in build order
        existing = {(t, w) for t in REGISTRY for w in weeks_of(sql, t)}
        assert set(wanted) <= existing
        assert [tw for tw in got if tw in wanted] == [tw for tw in wanted if tw in got]
        # pg_partman names weeks by ISO year and week: 2026-12-28 is 2026's week 53
        assert partition_of(sql, "reports", dt.date(2026, 12, 28)) == "reports_p2026w53"
        assert partition_of(sql, "reports", dt.date(2027, 1, 4)) == "reports_p2027w01"
    assert got == sorted(got, key=lambda tw: (tw[1], REGISTRY.index(tw[0])))
    # across the year boundary, Monday-based, UTC bounds whatever the session time zone
    sql.execute("SET LOCAL timezone TO 'Pacific/Auckland'")
    for table in ("reports", "missing_symbols"):  # a TIMESTAMPTZ and a DATE table
        row = sql.execute(
            "SELECT range_from, range_to FROM weekly_partitions WHERE table_name = %s AND week_begins = %s",
            (table, dt.date(2026, 12, 28)),
        ).fetchone()
        assert row["range_from"] == dt.datetime(2026, 12, 28, tzinfo=UTC)
        assert row["range_to"] == dt.datetime(2027, 1, 4, tzinfo=UTC)


def test_is_idempotent(sql: psycopg.Connection, engine: str) -> None:
    first = table_weeks(sql, created(sql, 2, "2027-03-03 12:00Z"))
    asked = {(t, dt.date(2027, 3, 1) + dt.timedelta(weeks=w)) for t in REGISTRY for w in range(3)}
    # (pg_partman premakes weeks from the real clock: near March 2027 some may exist already)
    assert asked <= set(first) | {(t, w) for t in REGISTRY for w in weeks_of(sql, t)}
    assert created(sql, 2, "2027-03-03 12:00Z") == []
    third = [(t, dt.date(2027, 3, 22)) for t in REGISTRY]
    made = table_weeks(sql, created(sql, 3, "2027-03-03 12:00Z"))
    if engine == "native":
        assert made == third
    else:  # only the third week, in build order, unless pg_partman had premade it
        assert made == [tw for tw in third if tw in made]
        assert set(third) <= {(t, w) for t in REGISTRY for w in weeks_of(sql, t)}
    # one partition per table and week
    dupes = sql.execute(
        "SELECT table_name, week_begins FROM weekly_partitions GROUP BY 1, 2 HAVING count(*) > 1"
    ).fetchall()
    assert dupes == []


def test_a_dst_change_does_not_move_week_bounds(sql: psycopg.Connection, engine: str) -> None:
    sql.execute("SET LOCAL timezone TO 'Europe/Berlin'")  # DST ends on 2026-10-25
    created(sql, 1, "2026-10-24 12:00Z")
    weeks = sql.execute(
        "SELECT range_from, range_to FROM weekly_partitions WHERE table_name = 'reports' "
        "AND range_from < '2026-11-09Z' ORDER BY range_from"
    ).fetchall()
    assert [(w["range_from"], w["range_to"]) for w in weeks] == [
        (dt.datetime(2026, 10, 19, tzinfo=UTC), dt.datetime(2026, 10, 26, tzinfo=UTC)),
        (dt.datetime(2026, 10, 26, tzinfo=UTC), dt.datetime(2026, 11, 2, tzinfo=UTC)),
    ]
    # and a later week (pg_partman counts on from the weeks it has) still starts at 00:00 UTC
    created(sql, 0, "2027-04-01Z")  # DST begins on 2027-03-28
    assert scalar(
        sql,
        "SELECT range_from FROM weekly_partitions "
        "WHERE table_name = 'reports' AND week_begins = '2027-03-29'",
    ) == dt.datetime(2027, 3, 29, tzinfo=UTC)
    assert (
        scalar(
            sql,
            "SELECT count(*) FROM weekly_partitions "
            "WHERE range_from <> date_trunc('week', range_from AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
        )
        == 0
    )


def test_keys_indexes_and_weeknum_foreign_keys(sql: psycopg.Connection, engine: str) -> None:
    created(sql, 0, "2026-11-25Z")
    week = dt.date(2026, 11, 23)
    reports = partition_of(sql, "reports", week)
    plugins = partition_of(sql, "plugins_reports", week)
    indexes = {
        r["indexname"]: r["indexdef"]
        for r in sql.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", (reports,))
    }
    assert indexes[f"{reports}_id_key"].startswith(
        f"CREATE UNIQUE INDEX {reports}_id_key ON public.{reports}"
    )
    assert indexes[f"{reports}_id_key"].endswith("(id)")
    assert any(d.endswith("(product, version)") and "UNIQUE" not in d for d in indexes.values())
    assert any(d.endswith("(uuid)") and "UNIQUE" in d for d in indexes.values())
    # 2 keys + 6 indexes of the registry, nothing twice, and the copies of the parent's own three
    # (the signature trigram, comments and URLs indexes), each under a name of its own: the
    # copies are made first and PostgreSQL names them <partition>_<columns>_idx, the registry's name
    assert len(indexes) == 11
    registry_signature = indexes[f"{reports}_signature_date_processed_idx"]
    assert registry_signature.endswith("USING btree (signature, date_processed)")
    assert "WHERE" not in registry_signature
    assert "gin_trgm_ops" in indexes[f"{reports}_signature_idx"]
    assert "WHERE" in indexes[f"{reports}_signature_comments_idx"]
    assert [
        d
        for d in indexes.values()
        if "(signature, date_processed) INCLUDE (url, product, version) WHERE" in d
    ]
    fkeys = sorted(
        r["def"]
        for r in sql.execute(
            "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            (plugins,),
        )
    )
    assert fkeys == [
        "FOREIGN KEY (plugin_id) REFERENCES plugins(id) ON UPDATE CASCADE ON DELETE CASCADE",
        f"FOREIGN KEY (report_id) REFERENCES {reports}(id) ON UPDATE CASCADE ON DELETE CASCADE",
    ]
    # the foreign key works: a plugin crash needs its report in the same week
    sql.execute("INSERT INTO plugins (id, filename, name) VALUES (1, 'f.so', 'F')")
    rid = scalar(sql, "INSERT INTO reports (uuid, date_processed) VALUES ('r', '2026-11-24Z') RETURNING id")
    sql.execute(
        "INSERT INTO plugins_reports (report_id, plugin_id, date_processed, version) "
        "VALUES (%s, 1, '2026-11-24Z', '1')",
        (rid,),
    )
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        sql.execute(
            "INSERT INTO plugins_reports (report_id, plugin_id, date_processed, version) "
            "VALUES (%s, 1, '2026-11-24Z', '1')",
            (rid + 1000,),
        )


def test_long_registry_elements_get_distinct_names(sql: psycopg.Connection) -> None:
    assert scalar(sql, "SELECT partition_object_name('reports_20261123', 'product,version', 'idx')") == (
        "reports_20261123_product_version_idx"
    )
    long_a = scalar(
        sql, "SELECT partition_object_name('reports_clean_20261123', %s, 'idx')", ("a" * 60 + "x",)
    )
    long_b = scalar(
        sql, "SELECT partition_object_name('reports_clean_20261123', %s, 'idx')", ("a" * 60 + "y",)
    )
    assert len(long_a) == len(long_b) == 63 and long_a != long_b


def test_brin_elements_make_brin_indexes_and_unknown_methods_are_refused(
    sql: psycopg.Connection, engine: str
) -> None:

    created(sql, 0, "2026-11-25Z")
    week = dt.date(2026, 11, 23)
    for table in ("reports_clean", "raw_crash_fields"):
        part = partition_of(sql, table, week)
        on_date = [
            (r["indexname"], r["indexdef"])
            for r in sql.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", (part,))
            if r["indexdef"].endswith("(date_processed)")
        ]
        # the day's range: one BRIN index, no btree on date_processed alone
        assert on_date == [
            (
                f"{part}_brin_date_processed_idx",
                f"CREATE INDEX {part}_brin_date_processed_idx ON public.{part} USING brin (date_processed)",
            )
        ]
    # a btree element beside it is still a btree
    clean = partition_of(sql, "reports_clean", week)
    assert scalar(
        sql,
        "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
        (f"{clean}_product_version_id_date_processed_idx",),
    ).endswith("USING btree (product_version_id, date_processed)")
    # a method the registry does not make is refused, with the element named
    sql.execute(
        "UPDATE report_partition_info SET indexes = indexes || '{hash:uuid}'"
        " WHERE table_name = 'reports_clean'"
    )
    with pytest.raises(psycopg.errors.InvalidParameterValue, match='index "hash:uuid" of reports_clean'):
        sql.execute("SELECT apply_weekly_partition_registry('reports_clean', %s)", (clean,))


def test_inserts_land_in_the_partition_of_their_week(sql: psycopg.Connection, engine: str) -> None:
    created(sql, 1, "2026-11-29Z")
    for uuid, when in [
        ("a", "2026-11-29 23:59:59.999Z"),
        ("b", "2026-11-30 00:00:00Z"),
        ("c", "2026-11-23 00:00:00Z"),
        ("d", "2026-11-30 00:30:00+01"),  # 23:30 UTC the day before: still the first week
    ]:
        sql.execute("INSERT INTO reports (uuid, date_processed) VALUES (%s, %s)", (uuid, when))
    rows = sql.execute("SELECT tableoid::regclass::text AS part, uuid FROM reports ORDER BY uuid").fetchall()
    first = partition_of(sql, "reports", dt.date(2026, 11, 23))
    second = partition_of(sql, "reports", dt.date(2026, 11, 30))
    assert [(r["uuid"], r["part"]) for r in rows] == [("a", first), ("b", second), ("c", first), ("d", first)]
    # a DATE-partitioned table
    sql.execute("INSERT INTO missing_symbols (date_processed, debug_file) VALUES ('2026-11-30', 'x.pdb')")
    assert scalar(sql, "SELECT tableoid::regclass::text FROM missing_symbols") == partition_of(
        sql, "missing_symbols", dt.date(2026, 11, 30)
    )


def test_a_week_without_partition_refuses_the_row(sql: psycopg.Connection, engine: str) -> None:
    created(sql, 0, "2026-11-29Z")
    # no DEFAULT partition under either engine (pg_partman's reports_default was dropped)
    assert scalar(sql, "SELECT count(*) FROM weekly_partitions WHERE is_default") == 0
    with pytest.raises(psycopg.errors.CheckViolation, match='no partition of relation "reports" found'):
        sql.execute("INSERT INTO reports (uuid, date_processed) VALUES ('x', '2031-06-01Z')")


WRITER = """
CREATE FUNCTION pg_temp.write_report(p_uuid text, p_when timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_part text;
BEGIN
    BEGIN
        INSERT INTO reports (uuid, date_processed) VALUES (p_uuid, p_when)
        RETURNING tableoid::regclass::text INTO v_part;
    EXCEPTION WHEN check_violation THEN
        -- the writers' contract: create the week, retry once
        PERFORM weekly_report_partitions(0, p_when);
        INSERT INTO reports (uuid, date_processed) VALUES (p_uuid, p_when)
        RETURNING tableoid::regclass::text INTO v_part;
    END;
    RETURN v_part;
END;
$$
"""


def test_writers_contract_creates_a_missing_week_on_demand(sql: psycopg.Connection, engine: str) -> None:
    sql.execute(WRITER)
    part = scalar(sql, "SELECT pg_temp.write_report('w1', '2030-02-06 10:00Z')")
    assert part == partition_of(sql, "reports", dt.date(2030, 2, 4))
    # the whole registry got the week, so dependants (WEEKNUM keys) can follow
    assert all(partition_of(sql, t, dt.date(2030, 2, 4)) for t in REGISTRY)
    assert scalar(sql, "SELECT pg_temp.write_report('w2', '2030-02-07 10:00Z')") == part


def test_find_weekly_partition(sql: psycopg.Connection, engine: str) -> None:
    created(sql, 1, "2026-11-29Z")
    assert scalar(sql, "SELECT find_weekly_partition('2026-11-29', 'reports')") == partition_of(
        sql, "reports", dt.date(2026, 11, 23)
    )
    assert scalar(sql, "SELECT find_weekly_partition('2026-12-06', 'missing_symbols')") == partition_of(
        sql, "missing_symbols", dt.date(2026, 11, 30)
    )
    with pytest.raises(
        psycopg.errors.UndefinedTable, match=r"no partition of reports for 2031-01-01"
    ) as info:
        scalar(sql, "SELECT find_weekly_partition('2031-01-01', 'reports')")
    assert "weekly_report_partitions(0, '2031-01-01')" in info.value.diag.message_hint


SEED_STATEMENT = """
    WITH bo AS (
       SELECT COALESCE(max(build_order) + 1, 1) as number
       FROM report_partition_info
    )
    INSERT into report_partition_info
       (table_name, build_order, keys, indexes, fkeys, partition_column, timetype)
       SELECT 'reports_duplicates', bo.number, '{uuid}',
           '{"date_processed, uuid"}', '{}', 'date_processed', 'TIMESTAMPTZ'
       FROM bo
"""


def test_the_seed_statement_partitions_reports_duplicates(sql: psycopg.Connection, engine: str) -> None:
    sql.execute(SEED_STATEMENT)
    names = table_weeks(sql, created(sql, 1, "2026-11-25Z"))
    assert ("reports_duplicates", dt.date(2026, 11, 23)) in names
    assert ("reports_duplicates", dt.date(2026, 11, 30)) in names
    assert scalar(sql, "SELECT relkind::text FROM pg_class WHERE relname = 'reports_duplicates'") == "p"
    part = partition_of(sql, "reports_duplicates", dt.date(2026, 11, 23))
    indexes = sorted(
        r["indexdef"].split(" USING btree ")[1]
        + (" unique" if r["indexdef"].startswith("CREATE UNIQUE") else "")
        for r in sql.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", (part,))
    )
    assert indexes == ["(date_processed, uuid)", "(uuid) unique"]
    # the table kept its columns and comment, and takes rows in the right week
    assert scalar(sql, "SELECT obj_description('reports_duplicates'::regclass)").startswith("Duplicate crash")
    sql.execute(
        "INSERT INTO reports_duplicates (uuid, duplicate_of, date_processed) VALUES ('u', 'l', '2026-11-26Z')"
    )
    assert scalar(sql, "SELECT tableoid::regclass::text FROM reports_duplicates") == part
    with pytest.raises(psycopg.errors.UniqueViolation):
        sql.execute(
            "INSERT INTO reports_duplicates (uuid, duplicate_of, date_processed) "
            "VALUES ('u', 'l', '2026-11-27Z')"
        )


DUPLICATES = [
    ("a", "a", dt.datetime(2026, 10, 5, 8, 0, tzinfo=UTC)),  # an old week
    ("b", "a", dt.datetime(2026, 11, 29, 23, 59, 59, tzinfo=UTC)),  # the last second of a week
    ("c", "a", dt.datetime(2026, 11, 30, 0, 0, tzinfo=UTC)),  # the first of the next
    ("d", "c", dt.datetime(2026, 11, 30, 7, 0, tzinfo=UTC)),
]


def test_the_seed_statement_partitions_a_table_with_rows(sql: psycopg.Connection, engine: str) -> None:
    sql.cursor().executemany(
        "INSERT INTO reports_duplicates (uuid, duplicate_of, date_processed) VALUES (%s, %s, %s)", DUPLICATES
    )
    sql.execute(SEED_STATEMENT)
    names, warnings = created_warning(sql, 1, "2026-11-25Z")
    assert warnings == []
    assert scalar(sql, "SELECT relkind::text FROM pg_class WHERE relname = 'reports_duplicates'") == "p"
    # every row is in the partition of its week, made for it (the old week too), nothing lost
    rows = sql.execute(
        "SELECT uuid, duplicate_of, date_processed, tableoid::regclass::text AS part FROM reports_duplicates "
        "ORDER BY uuid"
    ).fetchall()
    assert [(r["uuid"], r["duplicate_of"], r["date_processed"]) for r in rows] == DUPLICATES
    weeks = [dt.date(2026, 10, 5), dt.date(2026, 11, 23), dt.date(2026, 11, 30), dt.date(2026, 11, 30)]
    assert [r["part"] for r in rows] == [partition_of(sql, "reports_duplicates", w) for w in weeks]
    assert ("reports_duplicates", dt.date(2026, 10, 5)) in table_weeks(sql, names)
    # the work table is gone; the other tables got their weeks as usual
    assert scalar(sql, "SELECT to_regclass('reports_duplicates_unpartitioned')") is None
    assert all(partition_of(sql, t, dt.date(2026, 11, 30)) for t in REGISTRY)
    # the registry's key holds on the moved rows
    with pytest.raises(psycopg.errors.UniqueViolation), sql.transaction():
        sql.execute(
            "INSERT INTO reports_duplicates (uuid, duplicate_of, date_processed) "
            "VALUES ('c', 'a', '2026-12-01Z')"
        )
    assert created_warning(sql, 1, "2026-11-25Z") == ([], [])


def test_one_table_that_cannot_be_partitioned_does_not_stop_the_others(
    sql: psycopg.Connection, engine: str
) -> None:
    # two rows of one week with the same uuid: the registry's {uuid} key cannot hold them
    sql.cursor().executemany(
        "INSERT INTO reports_duplicates (uuid, duplicate_of, date_processed) VALUES (%s, %s, %s)",
        [
            ("x", "x", dt.datetime(2026, 11, 24, tzinfo=UTC)),
            ("y", "x", dt.datetime(2026, 11, 25, tzinfo=UTC)),
        ],
    )
    sql.execute("ALTER TABLE reports_duplicates DROP CONSTRAINT reports_duplicates_pkey")
    sql.execute("UPDATE reports_duplicates SET uuid = 'x'")
    sql.execute(SEED_STATEMENT)
    names, warnings = created_warning(sql, 1, "2026-11-25Z")
    assert len(warnings) == 1
    message, hint = warnings[0]
    assert message.startswith(
        "no weekly partitions made for reports_duplicates: cannot partition "
        "reports_duplicates: its rows break a key"
    )
    assert hint is not None and "delete the duplicate rows of reports_duplicates" in hint
    # that table is untouched, with its rows; every other table got both weeks
    assert scalar(sql, "SELECT relkind::text FROM pg_class WHERE relname = 'reports_duplicates'") == "r"
    assert scalar(sql, "SELECT count(*) FROM reports_duplicates") == 2
    assert scalar(sql, "SELECT to_regclass('reports_duplicates_timestamp') IS NOT NULL")
    assert scalar(sql, "SELECT to_regclass('reports_duplicates_partitioned')") is None
    for table in REGISTRY:
        assert partition_of(sql, table, dt.date(2026, 11, 23)) and partition_of(
            sql, table, dt.date(2026, 11, 30)
        )
    assert "reports_duplicates" not in {t for t, _ in table_weeks(sql, names)}
    # fixed, the next run converts it
    sql.execute("UPDATE reports_duplicates SET uuid = 'y' WHERE date_processed = '2026-11-25Z'")
    names, warnings = created_warning(sql, 1, "2026-11-25Z")
    assert warnings == []
    made = set(table_weeks(sql, names))
    assert {t for t, _ in made} == {"reports_duplicates"}  # pg_partman premakes a few more weeks
    assert {
        ("reports_duplicates", dt.date(2026, 11, 23)),
        ("reports_duplicates", dt.date(2026, 11, 30)),
    } <= made
    assert scalar(sql, "SELECT count(*) FROM reports_duplicates") == 2


def test_rows_without_a_partition_value_are_refused_with_nothing_changed(sql: psycopg.Connection) -> None:
    sql.execute("CREATE TABLE loose (id integer, seen timestamptz)")
    sql.execute("INSERT INTO loose VALUES (1, '2026-11-24Z'), (2, NULL)")
    sql.execute(
        "INSERT INTO report_partition_info (table_name, build_order, partition_column, timetype) "
        "VALUES ('loose', 60, 'seen', 'TIMESTAMPTZ')"
    )
    names, warnings = created_warning(sql, 0, "2026-11-25Z")
    assert [m for m, _ in warnings] == [
        "no weekly partitions made for loose: cannot partition loose: 1 of its rows have no seen (NULL), "
        "so no weekly partition can take them"
    ]
    assert "UPDATE loose SET seen" in (warnings[0][1] or "")
    assert len(names) == len(REGISTRY)
    assert scalar(sql, "SELECT relkind::text FROM pg_class WHERE relname = 'loose'") == "r"
    assert scalar(sql, "SELECT count(*) FROM loose") == 2


def test_conversion_keeps_sequences_grants_checks_and_foreign_keys(sql: psycopg.Connection) -> None:
    sql.execute("CREATE ROLE crashstats_test_reader")
    sql.execute(
        "CREATE TABLE dup_test (id serial PRIMARY KEY, uuid text NOT NULL CHECK (uuid <> ''), "
        "plugin_id integer REFERENCES plugins (id), date_processed timestamptz NOT NULL DEFAULT now())"
    )
    sql.execute("COMMENT ON TABLE dup_test IS 'a test table'")
    sql.execute("GRANT SELECT ON dup_test TO crashstats_test_reader")
    sql.execute(
        "INSERT INTO report_partition_info (table_name, build_order, keys, partition_column, timetype) "
        "VALUES ('dup_test', 50, '{id}', 'date_processed', 'TIMESTAMPTZ')"
    )
    created(sql, 0, "2026-11-25Z")
    assert scalar(sql, "SELECT relkind::text FROM pg_class WHERE relname = 'dup_test'") == "p"
    assert scalar(sql, "SELECT obj_description('dup_test'::regclass)") == "a test table"
    assert scalar(sql, "SELECT has_table_privilege('crashstats_test_reader', 'dup_test', 'SELECT')")
    sql.execute("INSERT INTO plugins (id, filename, name) VALUES (7, 'f.so', 'F')")
    first = scalar(
        sql,
        "INSERT INTO dup_test (uuid, plugin_id, date_processed) VALUES ('a', 7, '2026-11-26Z') RETURNING id",
    )
    assert scalar(sql, "SELECT pg_get_serial_sequence('dup_test', 'id')") == "public.dup_test_id_seq"
    assert first == 1
    with pytest.raises(psycopg.errors.ForeignKeyViolation), sql.transaction():
        sql.execute("INSERT INTO dup_test (uuid, plugin_id, date_processed) VALUES ('b', 8, '2026-11-26Z')")
    with pytest.raises(psycopg.errors.CheckViolation), sql.transaction():
        sql.execute("INSERT INTO dup_test (uuid, date_processed) VALUES ('', '2026-11-26Z')")


def test_conversion_with_rows_keeps_identity_counters_and_recomputes_generated_columns(
    sql: psycopg.Connection,
) -> None:
    sql.execute(
        "CREATE TABLE counted (id bigint GENERATED ALWAYS AS IDENTITY, at date NOT NULL, "
        "n integer, twice integer GENERATED ALWAYS AS (n * 2) STORED)"
    )
    sql.execute("INSERT INTO counted (at, n) SELECT '2026-11-20'::date + i, i FROM generate_series(1, 5) i")
    sql.execute(
        "INSERT INTO report_partition_info (table_name, build_order, keys, partition_column, timetype) "
        "VALUES ('counted', 60, '{id}', 'at', 'DATE')"
    )
    assert created_warning(sql, 0, "2026-11-25Z")[1] == []
    assert [tuple(r.values()) for r in sql.execute("SELECT id, at, twice FROM counted ORDER BY id")] == [
        (i, dt.date(2026, 11, 20) + dt.timedelta(days=i), 2 * i) for i in range(1, 6)
    ]
    assert weeks_of(sql, "counted") == [dt.date(2026, 11, 16), dt.date(2026, 11, 23)]
    assert scalar(sql, "INSERT INTO counted (at, n) VALUES ('2026-11-24', 9) RETURNING id") == 6


def test_conversion_refuses_a_table_others_depend_on(sql: psycopg.Connection) -> None:
    sql.execute("CREATE VIEW dup_view AS SELECT uuid FROM reports_duplicates")
    sql.execute(SEED_STATEMENT)
    names, warnings = created_warning(sql, 0, "2026-11-25Z")
    assert len(warnings) == 1 and "cannot partition reports_duplicates: view dup_view" in warnings[0][0]
    assert len(names) == len(REGISTRY)
    assert scalar(sql, "SELECT relkind::text FROM pg_class WHERE relname = 'reports_duplicates'") == "r"
    with pytest.raises(psycopg.errors.DependentObjectsStillExist, match="view dup_view"), sql.transaction():
        sql.execute("SELECT make_partitioned_table('reports_duplicates')")


def test_registry_errors_are_clear(sql: psycopg.Connection) -> None:
    sql.execute(
        "INSERT INTO report_partition_info (table_name, build_order, partition_column, timetype) "
        "VALUES ('no_such_table', 99, 'date_processed', 'TIMESTAMPTZ')"
    )
    names, warnings = created_warning(sql, 0, "2026-11-29Z")
    assert warnings == [
        (
            "no weekly partitions made for no_such_table: report_partition_info names no_such_table but "
            "there is no such table",
            "create the table (PARTITION BY RANGE on its partition_column) or delete the registry row",
        )
    ]
    assert len(names) == len(REGISTRY)


def test_a_table_partitioned_on_another_column_is_refused(sql: psycopg.Connection) -> None:
    sql.execute("CREATE TABLE odd (d date NOT NULL, e date NOT NULL) PARTITION BY RANGE (e)")
    sql.execute(
        "INSERT INTO report_partition_info (table_name, build_order, partition_column, timetype) "
        "VALUES ('odd', 99, 'd', 'DATE')"
    )
    _, warnings = created_warning(sql, 0, "2026-11-29Z")
    assert [m for m, _ in warnings] == [
        "no weekly partitions made for odd: odd is not partitioned by range of d (its partition_column in "
        "report_partition_info)"
    ]
    with pytest.raises(psycopg.errors.WrongObjectType, match="odd is not partitioned by range of d"):
        sql.execute("SELECT create_weekly_partition('odd', '2026-11-29')")


def test_bad_arguments(sql: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="numweeks must be 0 or more"):
        created(sql, -1, "2026-11-29Z")


def test_backfill_creates_a_range_and_the_referenced_weeks(sql: psycopg.Connection, engine: str) -> None:
    names = [
        r["backfill_weekly_report_partitions"]
        for r in sql.execute(
            "SELECT * FROM backfill_weekly_report_partitions('2024-01-03', '2024-01-20', 'plugins_reports')"
        )
    ]
    # plugins_reports' WEEKNUM key needs reports of the same weeks: made on the way
    assert sorted(table_weeks(sql, names)) == sorted(
        (t, dt.date(2024, 1, 1) + dt.timedelta(weeks=w))
        for t in ("reports", "plugins_reports")
        for w in range(3)
    )
    assert [w for w in weeks_of(sql, "raw_crashes") if w.year == 2024] == []
    with (
        pytest.raises(psycopg.errors.InvalidParameterValue, match="start date on or before"),
        sql.transaction(),
    ):
        sql.execute("SELECT * FROM backfill_weekly_report_partitions('2024-02-01', '2024-01-01')")
    with (
        pytest.raises(psycopg.errors.UndefinedObject, match="nope is not in report_partition_info"),
        sql.transaction(),
    ):
        sql.execute("SELECT * FROM backfill_weekly_report_partitions('2024-01-01', '2024-02-01', 'nope')")


def test_plan_lists_what_would_be_created(sql: psycopg.Connection, engine: str) -> None:
    plan = sql.execute("SELECT * FROM weekly_report_partitions_plan(1, '2028-05-10Z')").fetchall()
    assert [(r["table_name"], r["week_begins"], r["engine"]) for r in plan] == [
        (t, w, engine) for w in (dt.date(2028, 5, 8), dt.date(2028, 5, 15)) for t in REGISTRY
    ]
    assert weeks_of(sql, "reports").count(dt.date(2028, 5, 8)) == 0  # nothing created
    created(sql, 1, "2028-05-10Z")
    assert sql.execute("SELECT * FROM weekly_report_partitions_plan(1, '2028-05-10Z')").fetchall() == []


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
