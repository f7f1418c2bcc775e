-- processed_crash_deliveries_claim(p_destinations text[], p_limit integer DEFAULT 100,
--                                  p_lease interval DEFAULT '5 minutes',
--                                  p_crash_ids uuid[] DEFAULT NULL, p_due_only boolean DEFAULT true)
--   -> TABLE(crash_id, destination, date_processed, attempts, processed_crash, raw_crash)
-- Takes up to p_limit pending deliveries to the given optional crash stores (due ones only
-- unless p_due_only is false; only those crashes with p_crash_ids), oldest due first,
-- skipping rows another retrier holds (FOR UPDATE SKIP LOCKED): each is pushed back by
-- p_lease (so a concurrent retrier does not send it too) and counted as an attempt, and is
-- returned with the stored processed crash and raw crash (raw NULL when already truncated).
-- A delivery whose processed crash is no longer stored (partition dropped or truncated) is
-- deleted with a NOTICE: there is nothing left to send.
-- Callers: crashstats processor --retry-failed and the processor-retry-failed job (commit
-- right after; then processed_crash_delivery_done). Rerun-safe.
CREATE OR REPLACE FUNCTION processed_crash_deliveries_claim(
    p_destinations text[],
    p_limit integer DEFAULT 100,
    p_lease interval DEFAULT '5 minutes',
    p_crash_ids uuid[] DEFAULT NULL,
    p_due_only boolean DEFAULT true
)
RETURNS TABLE (crash_id uuid, destination text, date_processed timestamptz, attempts integer,
               processed_crash jsonb, raw_crash jsonb)
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    v_now  timestamptz := clock_timestamp();
    v_gone integer;
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_lease IS NULL THEN
        RAISE EXCEPTION 'processed_crash_deliveries_claim: a limit of 1 or more and a lease are required'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'processed_crash_deliveries_claim(ARRAY[''elasticsearch''], 100, ''5 minutes'')';
    END IF;
    WITH gone AS (
        DELETE FROM processed_crash_deliveries d
         WHERE d.destination = ANY (p_destinations)
           AND (p_crash_ids IS NULL OR d.crash_id = ANY (p_crash_ids))
           AND (NOT p_due_only OR d.next_attempt_at <= v_now)
           AND NOT EXISTS (SELECT 1 FROM processed_crashes pc
                            WHERE pc.uuid = d.crash_id AND pc.date_processed = d.date_processed)
        RETURNING 1
    )
    SELECT count(*) INTO v_gone FROM gone;
    IF v_gone > 0 THEN
        RAISE NOTICE 'processed_crash_deliveries_claim: dropped % deliveries whose processed crash is no longer stored', v_gone;
    END IF;
    RETURN QUERY
    WITH picked AS (
        SELECT d.crash_id, d.destination
          FROM processed_crash_deliveries d
         WHERE d.destination = ANY (p_destinations)
           AND (p_crash_ids IS NULL OR d.crash_id = ANY (p_crash_ids))
           AND (NOT p_due_only OR d.next_attempt_at <= v_now)
         ORDER BY d.next_attempt_at
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED
    ), taken AS (
        UPDATE processed_crash_deliveries d
           SET next_attempt_at = v_now + p_lease, attempts = d.attempts + 1, last_attempt_at = v_now
          FROM picked
         WHERE d.crash_id = picked.crash_id AND d.destination = picked.destination
        RETURNING d.crash_id, d.destination, d.date_processed, d.attempts
    )
    SELECT t.crash_id, t.destination, t.date_processed, t.attempts,
           processed_crash_document(pc.processed_crash, pc.json_dump) AS processed_crash,
           processed_crash_document(rc.raw_crash, rc.json_dump) AS raw_crash
      FROM taken t
      JOIN processed_crashes pc ON pc.uuid = t.crash_id AND pc.date_processed = t.date_processed
      LEFT JOIN raw_crashes rc ON rc.uuid = t.crash_id AND rc.date_processed = t.date_processed
     ORDER BY t.crash_id, t.destination;
END;
$$;
COMMENT ON FUNCTION processed_crash_deliveries_claim(text[], integer, interval, uuid[], boolean) IS
'Takes pending optional-store deliveries (due ones, SKIP LOCKED, pushed back by a lease) with their stored processed and raw crashes; drops deliveries whose processed crash is gone. Called by crashstats processor --retry-failed and the processor-retry-failed job; rerun-safe.';
