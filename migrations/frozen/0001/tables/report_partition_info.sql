-- report_partition_info: the registry of weekly-partitioned tables (Socorro's columns).
-- A DBA adds a table by inserting a row; weekly_report_partitions() then creates its partitions
-- with these unique keys, indexes and foreign keys (WEEKNUM = the partition's YYYYMMDD).
CREATE TABLE report_partition_info (
    table_name citext PRIMARY KEY,
    build_order integer NOT NULL DEFAULT 1,
    keys text[] NOT NULL DEFAULT '{}',
    indexes text[] NOT NULL DEFAULT '{}',
    fkeys text[] NOT NULL DEFAULT '{}',
    partition_column text NOT NULL,
    timetype text NOT NULL,
    CONSTRAINT report_partition_info_timetype_check CHECK (upper(timetype) IN ('TIMESTAMPTZ', 'DATE'))
);
COMMENT ON TABLE report_partition_info IS 'Weekly-partitioned tables: keys (one UNIQUE index per element, an element may be a comma list), indexes, fkeys (WEEKNUM replaced by the week''s YYYYMMDD), the partition column and its type (TIMESTAMPTZ or DATE). Partitions are created in build_order.';
