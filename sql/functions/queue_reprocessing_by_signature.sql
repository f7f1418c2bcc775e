-- queue_reprocessing_by_signature(p_signature text, p_since timestamptz,
--                                 p_until timestamptz DEFAULT NULL) -> integer
-- Queues for reprocessing (priority 1) every processed crash of that signature processed
-- (date_processed) in [p_since, p_until) (until now when NULL) whose raw crash is still
-- stored; returns how many were queued.
-- Callers: crashstats reprocess --signature S --since DATE. Rerun-safe.
CREATE OR REPLACE FUNCTION queue_reprocessing_by_signature(
    p_signature text,
    p_since timestamptz,
    p_until timestamptz DEFAULT NULL
)
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_ids uuid[];
BEGIN
    IF p_signature IS NULL OR p_since IS NULL THEN
        RAISE EXCEPTION 'queue_reprocessing_by_signature: a signature and a start time are required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'queue_reprocessing_by_signature(''OOM | small'', ''2026-01-01'')';
    END IF;
    SELECT array_agg(DISTINCT r.uuid::uuid) INTO v_ids
      FROM reports r
     WHERE r.signature = p_signature
       AND r.date_processed >= p_since
       AND r.date_processed < coalesce(p_until, now())
       AND EXISTS (SELECT 1 FROM raw_crashes rc
                    WHERE rc.uuid = r.uuid::uuid AND rc.date_processed = r.date_processed);
    IF v_ids IS NULL THEN
        RETURN 0;
    END IF;
    RETURN queue_crash_processing(v_ids, 1::smallint);
END;
$$;
COMMENT ON FUNCTION queue_reprocessing_by_signature(text, timestamptz, timestamptz) IS
'Queues for reprocessing (priority 1) the crashes of a signature processed in [since, until) whose raw crash is stored; returns how many. Called by crashstats reprocess --signature; rerun-safe.';
