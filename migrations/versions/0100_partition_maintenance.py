"""partition maintenance: engines (native, pg_partman), backfill, drop, truncate, check; registry
columns engine, truncate_old, truncate_after_weeks

Revision ID: 0100
Revises: 0002
"""

from pyapp import schema

revision = "0100"
down_revision = "0200"
branch_labels = None
depends_on = None

FILES = [
    "functions/apply_weekly_partition_registry.sql",
    "functions/backfill_weekly_report_partitions.sql",
    "functions/check_partitions.sql",
    "functions/create_weekly_partition.sql",
    "functions/drop_named_partitions.sql",
    "functions/drop_old_partitions.sql",
    "functions/make_partitioned_table.sql",
    "functions/missing_weekly_partitions.sql",
    "functions/partition_engine.sql",
    "functions/partition_object_name.sql",
    "functions/pg_partman_schema.sql",
    "functions/prepare_partitioned_table.sql",
    "functions/registry_partition_oids.sql",
    "functions/retention_cutoff.sql",
    "functions/set_partition_engine.sql",
    "functions/truncate_partitions.sql",
    "functions/truncate_partitions_now.sql",
    "functions/weekly_partitions_created_since.sql",
    "functions/weekly_report_partitions.sql",
    "functions/weekly_report_partitions_plan.sql",
    "tables/report_partition_info.sql",
    "views/weekly_partitions.sql",
    "views/report_partition_status.sql",
    "data/report_partition_info.sql",
]


ALTERED = ["tables/report_partition_info.sql"]

# report_partition_info gains its engine and truncation columns (same text as the table file)
ADD_COLUMNS = """
ALTER TABLE report_partition_info
    ADD COLUMN engine text,
    ADD COLUMN truncate_old boolean NOT NULL DEFAULT false,
    ADD COLUMN truncate_after_weeks integer,
    ADD CONSTRAINT report_partition_info_engine_check CHECK (engine IN ('native', 'pg_partman')),
    ADD CONSTRAINT report_partition_info_truncate_after_weeks_check CHECK (truncate_after_weeks > 0);
COMMENT ON TABLE report_partition_info IS
    'Weekly-partitioned tables: keys (one UNIQUE index per element, an element may be a comma '
    'list), indexes, fkeys (WEEKNUM replaced by the week''s partition), the partition column '
    'and its type (TIMESTAMPTZ or DATE). Partitions are created in build_order.';
COMMENT ON COLUMN report_partition_info.engine IS
    'Who creates the partitions: native (weekly_report_partitions) or pg_partman '
    '(partman.create_parent/run_maintenance); NULL follows the database setting '
    'crashstats.partition_engine, else native.';
COMMENT ON COLUMN report_partition_info.truncate_old IS
    'truncate_partitions() empties this table''s old partitions (the tables stay).';
COMMENT ON COLUMN report_partition_info.truncate_after_weeks IS
    'Weeks of data truncate_partitions() keeps in this table; NULL means the weeks_to_keep it '
    'is called with (default 26).';
"""

# the seed's truncated tables (the data file's INSERT leaves existing rows alone)
SEED_TRUNCATION = """
UPDATE report_partition_info SET truncate_old = true WHERE table_name IN ('raw_crashes', 'processed_crashes');
"""

DROP_COLUMNS = """
ALTER TABLE report_partition_info
    DROP CONSTRAINT report_partition_info_truncate_after_weeks_check,
    DROP CONSTRAINT report_partition_info_engine_check,
    DROP COLUMN truncate_after_weeks,
    DROP COLUMN truncate_old,
    DROP COLUMN engine;
COMMENT ON TABLE report_partition_info IS
    'Weekly-partitioned tables: keys (one UNIQUE index per element, an element may be a comma '
    'list), indexes, fkeys (WEEKNUM replaced by the week''s YYYYMMDD), the partition column '
    'and its type (TIMESTAMPTZ or DATE). Partitions are created in build_order.';
"""


def upgrade() -> None:
    from alembic import op

    conn = op.get_bind().connection.dbapi_connection  # psycopg: runs multi-statement text as is
    conn.execute(ADD_COLUMNS)
    schema.upgrade_files(op, revision, FILES, altered=ALTERED)
    conn.execute(SEED_TRUNCATION)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
    conn = op.get_bind().connection.dbapi_connection
    conn.execute(DROP_COLUMNS)
    # the database-wide engine choice set by set_partition_engine() has no meaning below 0100
    conn.execute(
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET crashstats.partition_engine', "
        "current_database()); END $$"
    )
