-- queue_crash_processing(p_crash_ids uuid[], p_priority smallint DEFAULT 2) -> integer
-- Queues crashes for the processors: one processing_queue row per crash ID (which NOTIFYs
-- crashstats_processing_queue). A crash already queued keeps its row and position and takes
-- the higher priority (0 priority, 1 reprocessing, 2 normal); one that a processor is working
-- on right now gets a queued_at after its claimed_at, so that processor stores its result and
-- leaves the row for another round instead of deleting it (a request made during processing
-- is never lost). Does not check that the raw crashes exist (the callers do).
-- Callers: save_raw_crash (the collector), request_priority_processing (the web's crash
-- page), queue_reprocessing / queue_reprocessing_by_signature (crashstats reprocess).
-- Returns the number of rows inserted or updated. Rerun-safe.
CREATE OR REPLACE FUNCTION queue_crash_processing(p_crash_ids uuid[], p_priority smallint DEFAULT 2)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer;
BEGIN
    IF p_priority IS NULL OR p_priority NOT IN (0, 1, 2) THEN
        RAISE EXCEPTION 'queue_crash_processing: priority must be 0 (priority), 1 (reprocessing) or 2 (normal), not %',
                        p_priority
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'the web''s priority requests use 0, crashstats reprocess 1, the collector 2';
    END IF;
    INSERT INTO processing_queue AS q (crash_id, priority, queued_at)
    SELECT DISTINCT c.id, p_priority, now()
      FROM unnest(p_crash_ids) AS c(id)
     WHERE c.id IS NOT NULL
    ON CONFLICT (crash_id) DO UPDATE
       SET priority = least(q.priority, EXCLUDED.priority),
           queued_at = CASE WHEN q.claimed_at IS NULL THEN q.queued_at
                            ELSE greatest(clock_timestamp(), q.claimed_at + interval '1 microsecond')
                       END;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;
COMMENT ON FUNCTION queue_crash_processing(uuid[], smallint) IS
'Inserts processing_queue rows (NOTIFY crashstats_processing_queue); a queued crash keeps its place and takes the higher priority; one being processed is kept for another round. Called by save_raw_crash, request_priority_processing and the reprocessing functions; rerun-safe.';
