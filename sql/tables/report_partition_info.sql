-- report_partition_info: the registry of weekly-partitioned tables (Socorro's columns, plus the
-- engine and truncation settings of issue 3).
-- A DBA adds a table by inserting a row; weekly_report_partitions() then creates its partitions
-- with these unique keys, indexes and foreign keys (WEEKNUM = the same week's partition).
CREATE TABLE report_partition_info (
    table_name citext PRIMARY KEY,
    build_order integer NOT NULL DEFAULT 1,
    keys text[] NOT NULL DEFAULT '{}',
    indexes text[] NOT NULL DEFAULT '{}',
    fkeys text[] NOT NULL DEFAULT '{}',
    partition_column text NOT NULL,
    timetype text NOT NULL,
    engine text,
    truncate_old boolean NOT NULL DEFAULT false,
    truncate_after_weeks integer,
    CONSTRAINT report_partition_info_timetype_check CHECK (upper(timetype) IN ('TIMESTAMPTZ', 'DATE')),
    CONSTRAINT report_partition_info_engine_check CHECK (engine IN ('native', 'pg_partman')),
    CONSTRAINT report_partition_info_truncate_after_weeks_check CHECK (truncate_after_weeks > 0)
);
COMMENT ON TABLE report_partition_info IS 'Weekly-partitioned tables: keys (one UNIQUE index per element, an element may be a comma list), indexes, fkeys (WEEKNUM replaced by the week''s partition), the partition column and its type (TIMESTAMPTZ or DATE). Partitions are created in build_order.';
COMMENT ON COLUMN report_partition_info.engine IS 'Who creates the partitions: native (weekly_report_partitions) or pg_partman (partman.create_parent/run_maintenance); NULL follows the database setting crashstats.partition_engine, else native.';
COMMENT ON COLUMN report_partition_info.truncate_old IS 'truncate_partitions() empties this table''s old partitions (the tables stay).';
COMMENT ON COLUMN report_partition_info.truncate_after_weeks IS 'Weeks of data truncate_partitions() keeps in this table; NULL means the weeks_to_keep it is called with (default 26).';
