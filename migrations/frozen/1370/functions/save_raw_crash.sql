-- save_raw_crash(p_crash_id uuid, p_raw_crash jsonb, p_submitted timestamptz,
--                p_queue boolean DEFAULT true, p_priority smallint DEFAULT 2) -> boolean
-- Stores one raw crash: upserts its raw_crashes row (date_processed = p_submitted, the
-- submission time, which picks the weekly partition) and, when p_queue, queues it in
-- processing_queue (queue_crash_processing: an already queued crash keeps its row and takes
-- the higher priority; one being processed right now is kept for another round),
-- all in the caller's transaction, so a raw crash is never queued half-saved. A week without
-- a raw_crashes partition is created on the spot (weekly_report_partitions(0, p_submitted))
-- and the insert retried once. Concurrent saves of one crash ID are serialised by an
-- advisory lock. Returns true when the crash was new, false when an existing row was replaced.
-- A json_dump in the raw crash (imports, demo crashes) is stored apart, as JSON text in
-- raw_crashes.json_dump (see tables/raw_crashes.sql).
-- Callers: the collector (after the dumps are durably stored), `crashstats submit` imports,
-- tests. Rerun-safe: saving the same crash again replaces the row and keeps one queue row.
CREATE OR REPLACE FUNCTION save_raw_crash(
    p_crash_id uuid,
    p_raw_crash jsonb,
    p_submitted timestamptz,
    p_queue boolean DEFAULT true,
    p_priority smallint DEFAULT 2
)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_new       boolean;
    v_raw       jsonb;
    v_json_dump text;
BEGIN
    IF p_crash_id IS NULL OR p_raw_crash IS NULL OR p_submitted IS NULL OR p_queue IS NULL THEN
        RAISE EXCEPTION 'save_raw_crash: crash id, raw crash, submission time and queue flag are required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF jsonb_typeof(p_raw_crash) <> 'object' THEN
        RAISE EXCEPTION 'save_raw_crash: the raw crash of % is a JSON %, not an object',
                        p_crash_id, jsonb_typeof(p_raw_crash)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_priority IS NULL OR p_priority NOT IN (0, 1, 2) THEN
        RAISE EXCEPTION 'save_raw_crash: priority must be 0 (priority), 1 (reprocessing) or 2 (normal), not %',
                        p_priority
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    IF p_raw_crash ? 'json_dump' THEN
        v_raw := p_raw_crash - 'json_dump';
        v_json_dump := (p_raw_crash -> 'json_dump')::text;
    ELSE
        v_raw := p_raw_crash;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('crashstats.raw_crash:' || p_crash_id::text, 0));

    BEGIN
        UPDATE raw_crashes SET raw_crash = v_raw, json_dump = v_json_dump, date_processed = p_submitted
         WHERE uuid = p_crash_id;
        v_new := NOT FOUND;
        IF v_new THEN
            INSERT INTO raw_crashes (uuid, raw_crash, date_processed, json_dump)
            VALUES (p_crash_id, v_raw, p_submitted, v_json_dump);
        END IF;
    EXCEPTION WHEN check_violation THEN
        -- 23514: no partition of raw_crashes for that week (the writer contract)
        PERFORM weekly_report_partitions(0, p_submitted);
        UPDATE raw_crashes SET raw_crash = v_raw, json_dump = v_json_dump, date_processed = p_submitted
         WHERE uuid = p_crash_id;
        v_new := NOT FOUND;
        IF v_new THEN
            INSERT INTO raw_crashes (uuid, raw_crash, date_processed, json_dump)
            VALUES (p_crash_id, v_raw, p_submitted, v_json_dump);
        END IF;
    END;

    IF p_queue THEN
        PERFORM queue_crash_processing(ARRAY[p_crash_id], p_priority);
    END IF;
    RETURN v_new;
END;
$$;
COMMENT ON FUNCTION save_raw_crash(uuid, jsonb, timestamptz, boolean, smallint) IS
'Upserts a raw crash into raw_crashes (date_processed = submission time; creates a missing week''s partition) and, when asked, queues it in processing_queue in the same transaction. Called by the collector after its dumps are stored; rerun-safe (replaces the row, one queue row).';
