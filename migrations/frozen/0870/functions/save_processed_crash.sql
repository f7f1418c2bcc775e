-- save_processed_crash(p_crash_id uuid, p_processed jsonb, p_missing_symbols jsonb DEFAULT '[]',
--                      p_claimed_by text DEFAULT NULL, p_claimed_at timestamptz DEFAULT NULL,
--                      p_deliveries text[] DEFAULT '{}',
--                      p_delivery_delay interval DEFAULT '10 minutes',
--                      p_json_dump text DEFAULT NULL) -> boolean
-- PostgreSQLCrashStorage.save_processed: stores one processed crash in the caller's
-- transaction (write_processed_crash: reports, plugins_reports, processed_crashes,
-- missing_symbols, in the week of its date_processed; the stackwalker's json_dump comes apart as
-- JSON text in p_json_dump, or inside p_processed) and finishes its queue row, so the rows
-- and the end of the claim commit together:
--   * with a claim token (p_claimed_by, p_claimed_at), only while that claim still holds the
--     processing_queue row (locked FOR UPDATE): otherwise nothing is written and false is
--     returned (the lease lapsed and another worker took the crash). The row is deleted, or,
--     when the crash was queued again during processing (queued_at after claimed_at), kept
--     unclaimed for another round;
--   * without one (imports, tests), writers of one crash are serialised by an advisory lock.
-- For each optional crash store in p_deliveries a processed_crash_deliveries row is written,
-- due after p_delivery_delay (the worker delivers at once and deletes it; if it dies first,
-- the retry job finds the row). A week without partitions is created on the spot
-- (weekly_report_partitions(0, date_processed)) and the write retried once.
-- Callers: processor workers (several crashes per transaction), tests. Rerun-safe: saving
-- again replaces the crash's rows.
CREATE OR REPLACE FUNCTION save_processed_crash(
    p_crash_id uuid,
    p_processed jsonb,
    p_missing_symbols jsonb DEFAULT '[]',
    p_claimed_by text DEFAULT NULL,
    p_claimed_at timestamptz DEFAULT NULL,
    p_deliveries text[] DEFAULT '{}',
    p_delivery_delay interval DEFAULT '10 minutes',
    p_json_dump text DEFAULT NULL
)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_date     timestamptz;
    v_queued   timestamptz;
    v_claimed  timestamptz;
BEGIN
    IF p_crash_id IS NULL OR p_processed IS NULL OR jsonb_typeof(p_processed) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'save_processed_crash: a crash ID and a processed crash (a JSON object) are required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'save_processed_crash(''<uuid>'', ''{"date_processed": "...", ...}'')';
    END IF;
    IF (p_claimed_by IS NULL) <> (p_claimed_at IS NULL) THEN
        RAISE EXCEPTION 'save_processed_crash: a claim token is the worker and the claim time together'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'pass both p_claimed_by and p_claimed_at (from processing_queue_claim), or neither';
    END IF;
    v_date := (p_processed->>'date_processed')::timestamptz;
    IF v_date IS NULL THEN
        RAISE EXCEPTION 'save_processed_crash: the processed crash % has no date_processed',
                        p_crash_id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'date_processed is the ISO submission time; it chooses the weekly partitions';
    END IF;

    IF p_claimed_by IS NOT NULL THEN
        SELECT q.queued_at, q.claimed_at INTO v_queued, v_claimed
          FROM processing_queue q
         WHERE q.crash_id = p_crash_id AND q.claimed_by = p_claimed_by AND q.claimed_at = p_claimed_at
           FOR UPDATE;
        IF NOT FOUND THEN
            RETURN false;
        END IF;
    ELSE
        PERFORM pg_advisory_xact_lock(hashtextextended('crashstats.processed_crash:' || p_crash_id::text, 0));
    END IF;

    BEGIN
        PERFORM write_processed_crash(p_crash_id, p_processed, coalesce(p_missing_symbols, '[]'), v_date, p_json_dump);
    EXCEPTION WHEN check_violation THEN
        -- 23514: no partition for that week (the writer contract)
        PERFORM weekly_report_partitions(0, v_date);
        PERFORM write_processed_crash(p_crash_id, p_processed, coalesce(p_missing_symbols, '[]'), v_date, p_json_dump);
    END;

    IF p_claimed_by IS NOT NULL THEN
        IF v_queued > v_claimed THEN
            UPDATE processing_queue
               SET claimed_by = NULL, claimed_at = NULL, lease_expires = NULL, attempts = 0, last_error = NULL
             WHERE crash_id = p_crash_id;
        ELSE
            DELETE FROM processing_queue WHERE crash_id = p_crash_id;
        END IF;
    END IF;

    IF cardinality(p_deliveries) > 0 THEN
        INSERT INTO processed_crash_deliveries AS d (crash_id, destination, date_processed, next_attempt_at)
        SELECT DISTINCT p_crash_id, dest, v_date, now() + coalesce(p_delivery_delay, interval '0')
          FROM unnest(p_deliveries) AS dest
        ON CONFLICT (crash_id, destination) DO UPDATE
           SET date_processed = EXCLUDED.date_processed, next_attempt_at = EXCLUDED.next_attempt_at;
    END IF;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION save_processed_crash(uuid, jsonb, jsonb, text, timestamptz, text[], interval, text) IS
'Stores a processed crash (reports, plugins_reports, processed_crashes, missing_symbols; replacing an earlier processing) and, under a valid claim token, deletes its processing_queue row in the same transaction (false and nothing written when the claim is lost); records pending optional-store deliveries. Called by processor workers; rerun-safe.';
