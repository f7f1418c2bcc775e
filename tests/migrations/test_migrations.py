"""The schema under Alembic: drift, round trips, frozen copies, refusals, the seed's statements."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb

from pyapp import migrate, schema
from pyapp.errors import MigrationError
from tests.catalog import diff, snapshot
from tests.support import scalar

SEED_TABLES = sorted(p.stem for p in (schema.SQL_DIR / "data").glob("*.sql"))


def test_manifest_lists_every_sql_file_once() -> None:
    on_disk = {str(p.relative_to(schema.SQL_DIR)) for p in schema.SQL_DIR.glob("*/*.sql")}
    listed = [f.path for f in schema.read_manifest()]
    assert sorted(listed) == sorted(on_disk)


def test_every_sql_file_matches_its_latest_frozen_copy() -> None:
    changed = schema.changed_files()
    assert changed == [], (
        f"sql/ files changed without a revision (run `crashstats db revision -m ...`): {changed}"
    )


def test_revision_history_is_one_line_with_all_frozen_copies() -> None:
    script = schema.script_directory()
    assert len(script.get_heads()) == 1
    revisions = {r.revision: r for r in script.walk_revisions()}
    assert {p.name for p in schema.FROZEN_DIR.iterdir()} <= set(revisions)
    for rev in revisions.values():
        files = rev.module.FILES
        assert files == schema.manifest_order(files) or files == [], (
            f"{rev.revision}: FILES out of manifest order"
        )
        for path in files:
            assert schema.frozen_path(rev.revision, path).exists(), (
                f"{rev.revision}: no frozen copy of {path}"
            )


def test_migrated_database_equals_the_current_sql_files(template_db: str, pg, empty_db: str) -> None:
    migrated = snapshot(pg.url(template_db), with_data=SEED_TABLES)
    with psycopg.connect(empty_db) as conn:
        schema.apply_current(conn)
    built = snapshot(empty_db, with_data=SEED_TABLES)
    problems = diff(migrated, built)
    assert problems == [], "\n".join(problems)
    assert len(migrated["tables"]) >= 46 and len(migrated["functions"]) >= 25


def test_upgrade_downgrade_upgrade_round_trip(empty_db: str) -> None:
    migrate.upgrade(empty_db)
    first = snapshot(empty_db, with_data=SEED_TABLES)
    migrate.downgrade(empty_db, "base")
    assert migrate.current(empty_db) == []
    emptied = snapshot(empty_db)
    for category in ("tables", "functions", "views", "types", "sequences", "triggers", "indexes"):
        assert emptied[category] == {}, f"downgrade base left {category}: {list(emptied[category])}"
    assert list(emptied["extensions"]) == []
    migrate.upgrade(empty_db)
    assert diff(first, snapshot(empty_db, with_data=SEED_TABLES)) == []


def test_upgrade_twice_changes_nothing(fresh_db: str) -> None:
    before = snapshot(fresh_db)
    migrate.upgrade(fresh_db)
    assert migrate.current(fresh_db) == [schema.head_revision()]
    assert diff(before, snapshot(fresh_db)) == []


def test_seed_raw_adi_statement_runs_verbatim(fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as conn:
        conn.execute(
            "INSERT INTO raw_adi VALUES (15, '2014-01-01', 'KillerApp', 'Linux', '2.6.18',\n"
            "                              '1.0', '20140101165243',\n"
            "                              '{killerapp@example.com}', 'release');"
        )
        row = conn.execute(
            "SELECT adi_count, date::text, product_name, product_os_platform, product_os_version, "
            "product_version, build, product_guid, update_channel, received_at IS NOT NULL FROM raw_adi"
        ).fetchone()
    assert row == (
        15,
        "2014-01-01",
        "KillerApp",
        "Linux",
        "2.6.18",
        "1.0",
        "20140101165243",
        "{killerapp@example.com}",
        "release",
        True,
    )


SEED_PARTITION_STATEMENT = """
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


def test_seed_report_partition_info_statement_runs_verbatim(fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as conn:
        highest = scalar(conn, "SELECT max(build_order) FROM report_partition_info")
        conn.execute(SEED_PARTITION_STATEMENT)
        row = conn.execute(
            "SELECT build_order, keys, indexes, fkeys, partition_column, timetype "
            "FROM report_partition_info WHERE table_name = 'reports_duplicates'"
        ).fetchone()
    assert row == (highest + 1, ["uuid"], ["date_processed, uuid"], [], "date_processed", "TIMESTAMPTZ")


def test_registry_seed_rows(fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as conn:
        rows = conn.execute(
            "SELECT table_name::text, build_order FROM report_partition_info ORDER BY 2"
        ).fetchall()
        parents = {
            r[0]
            for r in conn.execute(
                "SELECT relname FROM pg_class WHERE relkind = 'p' AND relnamespace = 'public'::regnamespace"
            )
        }
    assert [r[0] for r in rows][:5] == [
        "reports",
        "plugins_reports",
        "extensions",
        "raw_crashes",
        "processed_crashes",
    ]
    assert {r[0] for r in rows} == parents  # every registered table is a partitioned parent, and back


def test_database_at_an_unknown_revision_is_refused(fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = snapshot(fresh_db)
    with pytest.raises(MigrationError, match=r"9999_from_the_future.*does not know"):
        migrate.upgrade(fresh_db)
    with pytest.raises(MigrationError, match="does not know"):
        migrate.downgrade(fresh_db, "base")
    with pytest.raises(MigrationError, match="does not know"):
        migrate.current(fresh_db)
    assert diff(before, snapshot(fresh_db)) == []


def test_database_with_foreign_tables_is_refused(empty_db: str) -> None:
    with psycopg.connect(empty_db) as conn:
        conn.execute("CREATE TABLE reports (id int)")
    with pytest.raises(MigrationError, match="no alembic_version"):
        migrate.upgrade(empty_db)
    assert list(snapshot(empty_db)["tables"]) == ["reports"]


def test_two_upgrades_at_once_apply_the_schema_once(empty_db: str) -> None:
    # two processes, as two hosts would be (Alembic's context is per process)
    env = {**os.environ, "DATABASE_URL": empty_db}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pyapp.cli.main", "-q", "db", "upgrade"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    messages = sorted(out.strip() for out, _ in results)
    head = schema.head_revision()
    assert messages == [f"schema already at {head}", f"schema upgraded from base to {head}"]
    assert migrate.current(empty_db) == [schema.head_revision()]


def test_unknown_target_revision_is_a_clear_error(fresh_db: str) -> None:
    with pytest.raises(MigrationError, match="nosuchrev"):
        migrate.downgrade(fresh_db, "nosuchrev")


@pytest.fixture
def scratch_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of sql/ and migrations/ that a test may add revisions to."""
    root = tmp_path / "project"
    shutil.copytree(schema.SQL_DIR, root / "sql")
    shutil.copytree(schema.MIGRATIONS_DIR, root / "migrations", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(schema.ALEMBIC_INI, root / "alembic.ini")
    monkeypatch.setattr(schema, "ROOT", root)
    monkeypatch.setattr(schema, "SQL_DIR", root / "sql")
    monkeypatch.setattr(schema, "MANIFEST", root / "sql" / "manifest.txt")
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", root / "migrations")
    monkeypatch.setattr(schema, "VERSIONS_DIR", root / "migrations" / "versions")
    monkeypatch.setattr(schema, "FROZEN_DIR", root / "migrations" / "frozen")
    monkeypatch.setattr(schema, "ALEMBIC_INI", root / "alembic.ini")
    return root


def function_source(url: str, name: str) -> str:
    with psycopg.connect(url) as conn:
        return scalar(conn, "SELECT prosrc FROM pg_proc WHERE proname = %s", (name,))


def test_a_new_revision_freezes_changes_and_downgrade_restores_old_bodies(
    scratch_migrations: Path, empty_db: str
) -> None:
    migrate.upgrade(empty_db)
    old_body = function_source(empty_db, "nonzero_string")

    # change a function, add a function and a view, then write a revision for them
    path = scratch_migrations / "sql" / "functions" / "nonzero_string.sql"
    path.write_text(path.read_text().replace("btrim(p_value) <> ''", "length(btrim(p_value)) > 0"))
    (scratch_migrations / "sql" / "functions" / "answer.sql").write_text(
        "CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE sql AS $$ SELECT 42 $$;\n"
        "COMMENT ON FUNCTION answer() IS 'test';\n"
    )
    (scratch_migrations / "sql" / "views").mkdir(exist_ok=True)
    (scratch_migrations / "sql" / "views" / "answer_view.sql").write_text(
        "CREATE OR REPLACE VIEW answer_view AS SELECT answer() AS answer;\n"
    )
    manifest = scratch_migrations / "sql" / "manifest.txt"
    manifest.write_text(
        manifest.read_text().replace(
            "functions/nonzero_string.sql", "functions/nonzero_string.sql\nfunctions/answer.sql"
        )
        + "\nviews/answer_view.sql\n"
    )
    assert schema.changed_files() == [
        "functions/nonzero_string.sql",
        "functions/answer.sql",
        "views/answer_view.sql",
    ]
    head = schema.head_revision()
    written = schema.make_revision("change nonzero_string, add answer")
    new = schema.head_revision()
    assert written.name.startswith(f"{new}_") and new != head
    assert schema.changed_files() == []

    # editing sql/ afterwards must not change what the frozen revision applies
    (scratch_migrations / "sql" / "functions" / "answer.sql").write_text(
        "CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE sql AS $$ SELECT 41 $$;\n"
    )
    migrate.upgrade(empty_db)
    assert migrate.current(empty_db) == [new]
    assert "length(btrim(p_value))" in function_source(empty_db, "nonzero_string")
    with psycopg.connect(empty_db) as conn:
        assert scalar(conn, "SELECT answer FROM answer_view") == 42

    migrate.downgrade(empty_db, "-1")
    assert migrate.current(empty_db) == [head]
    assert function_source(empty_db, "nonzero_string") == old_body
    with psycopg.connect(empty_db) as conn:
        assert scalar(conn, "SELECT to_regprocedure('answer()')") is None
        assert scalar(conn, "SELECT to_regclass('answer_view')") is None


def test_a_changed_table_needs_explicit_alters(scratch_migrations: Path, empty_db: str) -> None:
    migrate.upgrade(empty_db)
    head = schema.head_revision()
    path = scratch_migrations / "sql" / "tables" / "bugs.sql"
    path.write_text(path.read_text().replace("short_desc text", "short_desc text,\n    product text"))
    schema.make_revision("bugs get a product")
    with pytest.raises(MigrationError, match=r"tables/bugs\.sql existed before"):
        migrate.upgrade(empty_db)
    assert migrate.current(empty_db) == [head]


RAW_CRASH_COMPRESSION = """
SELECT c.relname, a.attcompression
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = %s
 WHERE c.oid = 'raw_crashes'::regclass
    OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'raw_crashes'::regclass)
"""
HAS_LZ4 = "SELECT 'lz4' = ANY (enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"


def compression(conn: psycopg.Connection, column: str) -> dict[str, str]:
    """raw_crashes' partitions (and parent): the column's compression ('' default, 'l' lz4)."""
    return dict(conn.execute(RAW_CRASH_COMPRESSION, (column,)).fetchall())


def test_revision_1310_compresses_existing_raw_crash_partitions_with_lz4(empty_db: str) -> None:
    """A parent's SET COMPRESSION reaches only partitions created later: 1310 sets lz4 on the
    partitions that exist too (where the server has lz4), and its downgrade puts them back."""
    migrate.upgrade(empty_db, "1200")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("SELECT weekly_report_partitions(1)")
        lz4 = scalar(conn, HAS_LZ4)
        before = compression(conn, "raw_crash")
    assert len(before) >= 3 and set(before.values()) == {""}
    migrate.upgrade(empty_db, "1310")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        after = compression(conn, "raw_crash")
        conn.execute("SELECT weekly_report_partitions(4)")
        later = compression(conn, "raw_crash")
    assert after.keys() == before.keys()
    assert set(after.values()) == {"l" if lz4 else ""}
    assert len(later) > len(after) and set(later.values()) == {"l" if lz4 else ""}
    migrate.downgrade(empty_db, "1200")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        assert set(compression(conn, "raw_crash").values()) == {""}


#: the indexes of every signature_summary_os partition: (unique, key columns, included columns)
SUMMARY_OS_INDEXES = """
SELECT c.relname::text AS part, x.indisunique AS is_unique,
       (SELECT string_agg(a.attname, ',' ORDER BY k.n)
          FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
         WHERE k.n <= x.indnkeyatts) AS keys,
       (SELECT coalesce(string_agg(a.attname, ',' ORDER BY k.n), '')
          FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
         WHERE k.n > x.indnkeyatts) AS carried
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
  JOIN pg_index x ON x.indrelid = c.oid
 WHERE i.inhparent = 'signature_summary_os'::regclass
 ORDER BY 1, 2 DESC, 3
"""
ENSURE_SUMMARY_OS = "SELECT ensure_weekly_partitions(%s::date, %s::date + 1, 'signature_summary_os')"
SUMMARY_OS_ROW = (
    "INSERT INTO signature_summary_os (signature_id, os_version_string, product_version_id, product_name,"
    " version_string, report_date, report_count) VALUES (7, 'Windows 10', 3, 'KillerApp', '40.0', %s, %s)"
)


def test_revision_1360_makes_the_summary_key_carry_the_counts_on_existing_partitions(empty_db: str) -> None:
    """1360 replaces each summary partition's registry key and covering index with one unique
    index carrying the counts, on partitions that already hold rows too; its downgrade brings
    the two back."""
    migrate.upgrade(empty_db, "1350")
    day = "2026-11-25"
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute(ENSURE_SUMMARY_OS, (day, day))
        conn.execute(SUMMARY_OS_ROW, (day, 5))
        before = conn.execute(SUMMARY_OS_INDEXES).fetchall()
    key = "signature_id,report_date,product_version_id,os_version_string"
    assert {(u, k, c) for _p, u, k, c in before} == {
        (True, key, ""),
        (False, "signature_id,report_date", "product_version_id,os_version_string,report_count"),
        (False, "product_version_id,report_date", ""),
    }
    migrate.upgrade(empty_db, "1360")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        after = conn.execute(SUMMARY_OS_INDEXES).fetchall()
        assert {(u, k, c) for _p, u, k, c in after} == {
            (True, key, "report_count"),
            (False, "product_version_id,report_date", ""),
        }
        assert len(after) == 2  # one partition, two indexes
        assert scalar(conn, "SELECT sum(report_count) FROM signature_summary_os") == 5
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(SUMMARY_OS_ROW, (day, 1))
        # a partition made after the revision gets the same
        conn.execute(ENSURE_SUMMARY_OS, ("2026-12-09", "2026-12-09"))
        later = conn.execute(SUMMARY_OS_INDEXES).fetchall()
    assert len(later) == 4
    assert {(u, k, c) for _p, u, k, c in later} == {(u, k, c) for _p, u, k, c in after}
    migrate.downgrade(empty_db, "1350")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        again = conn.execute(SUMMARY_OS_INDEXES).fetchall()
        assert scalar(conn, "SELECT sum(report_count) FROM signature_summary_os") == 5
    assert {(u, k, c) for _p, u, k, c in again} == {(u, k, c) for _p, u, k, c in before}
    assert len(again) == 6  # two partitions, three indexes each


def test_revision_1370_moves_stored_json_dumps_apart_and_back(empty_db: str) -> None:
    """1370 splits the json_dump of raw crashes already stored into raw_crashes.json_dump (the
    whole raw crash still reads the same through crash_report and raw_crashes_public; a claim
    returns the text apart), and its downgrade puts it back into raw_crash."""
    migrate.upgrade(empty_db, "1360")
    with_dump = "3b1c9f2e-5f0a-4d7b-9c1e-2a7f8e261128"
    without = "4c2d0a3f-6a1b-4e8c-8d2f-3b8a9f261128"
    dump = {"status": "OK", "threads": [{"frames": [{"function": "crash_here", "frame": 0}]}]}
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("SELECT weekly_report_partitions(1, '2026-11-28')")
        for crash_id, raw in (
            (with_dump, {"ProductName": "X", "json_dump": dump}),
            (without, {"ProductName": "Y"}),
        ):
            conn.execute(
                "SELECT save_raw_crash(%s, %s, '2026-11-28 12:00+00', false)", (crash_id, Jsonb(raw))
            )
    migrate.upgrade(empty_db, "1370")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        # json_dump is lz4 on the partitions that existed too (where the server has lz4)
        dump_compression = compression(conn, "json_dump")
        assert len(dump_compression) >= 3
        assert set(dump_compression.values()) == {"l" if scalar(conn, HAS_LZ4) else ""}
        rows = {
            str(r[0]): (r[1], r[2])
            for r in conn.execute("SELECT uuid, raw_crash, json_dump FROM raw_crashes")
        }
        assert rows[with_dump][0] == {"ProductName": "X"} and json.loads(rows[with_dump][1]) == dump
        assert rows[without] == ({"ProductName": "Y"}, None)
        public = scalar(conn, "SELECT raw_crash FROM raw_crashes_public WHERE uuid = %s", (with_dump,))
        assert public == {"ProductName": "X", "json_dump": dump}
        reported = scalar(conn, "SELECT raw_crash FROM crash_report(%s)", (with_dump,))
        assert reported == {"ProductName": "X", "json_dump": dump}
        # a new save splits too; the claim returns the text apart
        conn.execute(
            "SELECT save_raw_crash(%s, %s, '2026-11-28 12:00+00', true)",
            (with_dump, Jsonb({"ProductName": "Z", "json_dump": dump})),
        )
        claimed = conn.execute(
            "SELECT raw_crash, json_dump FROM processing_queue_claim('w:1:0', 5)"
        ).fetchall()
        assert [(r[0], json.loads(r[1])) for r in claimed] == [({"ProductName": "Z"}, dump)]
    migrate.downgrade(empty_db, "1360")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        assert (
            scalar(
                conn,
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = 'raw_crashes' AND column_name = 'json_dump'",
            )
            == 0
        )
        back = {str(r[0]): r[1] for r in conn.execute("SELECT uuid, raw_crash FROM raw_crashes")}
        assert back == {with_dump: {"ProductName": "Z", "json_dump": dump}, without: {"ProductName": "Y"}}
        columns = [
            c.name for c in conn.execute("SELECT * FROM processing_queue_claim('w:1:0', 5)").description
        ]
        assert "json_dump" not in columns
