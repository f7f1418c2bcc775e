-- request_priority_processing(p_crash_id uuid) -> text
-- What the crash page calls for a crash it cannot show yet (Socorro's /priorityjobs/ and the
-- "processing pending" page): the crash is put first in line for the processors.
-- Returns 'already' (it was queued at priority 0), 'raised' (it was queued at another priority
-- and now has priority 0), 'processed' (a processed crash exists and nothing is queued: nothing
-- to do), 'queued' (its raw crash is stored but it was not queued, e.g. deferred by the
-- throttler: it is queued at priority 0, which NOTIFYs the processors) or 'unknown' (no raw
-- crash is stored).
-- Callers: the web's crash page (pending crashes), pyapp.processor.queue.request_priority.
-- Rerun-safe.
CREATE OR REPLACE FUNCTION request_priority_processing(p_crash_id uuid)
RETURNS text
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET plan_cache_mode TO force_custom_plan
AS $$
DECLARE
    v_since timestamptz := crash_id_date(p_crash_id) - 1;  -- timestamptz: prunes (a date would not)
    v_priority smallint;
BEGIN
    IF p_crash_id IS NULL THEN
        RAISE EXCEPTION 'request_priority_processing: a crash ID is required'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'request_priority_processing(''<uuid>'')';
    END IF;
    SELECT q.priority INTO v_priority FROM processing_queue q WHERE q.crash_id = p_crash_id;
    IF FOUND THEN
        IF v_priority = 0 THEN
            RETURN 'already';
        END IF;
        PERFORM queue_crash_processing(ARRAY[p_crash_id], 0::smallint);
        RETURN 'raised';
    END IF;
    IF EXISTS (SELECT 1 FROM reports r
                WHERE r.uuid = p_crash_id::text
                  AND (r.date_processed >= v_since OR v_since IS NULL)) THEN
        RETURN 'processed';
    END IF;
    IF raw_crash_date(p_crash_id) IS NULL THEN
        RETURN 'unknown';
    END IF;
    PERFORM queue_crash_processing(ARRAY[p_crash_id], 0::smallint);
    RETURN 'queued';
END;
$$;
COMMENT ON FUNCTION request_priority_processing(uuid) IS
'Puts one crash first in the processing queue: already, raised (its queue row now has priority 0), processed (nothing to do), queued (its stored raw crash queued at priority 0) or unknown. Called by the web''s crash page; rerun-safe.';
