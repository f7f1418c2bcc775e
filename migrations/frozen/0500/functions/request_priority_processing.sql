-- request_priority_processing(p_crash_id uuid) -> text
-- What the crash page calls for a crash it cannot show yet (Socorro's /priorityjobs/ and the
-- 408 "processing pending" page): 'processed' when the crash is already processed (nothing is
-- queued), 'queued' when its raw crash is stored and it is now queued at priority 0 (ahead of
-- everything else; a queued crash is moved up), 'unknown' when no raw crash is stored.
-- Callers: the web's crash page (pyapp.processor.queue.request_priority). Rerun-safe.
CREATE OR REPLACE FUNCTION request_priority_processing(p_crash_id uuid)
RETURNS text
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET plan_cache_mode TO force_custom_plan
AS $$
DECLARE
    v_since timestamptz := crash_id_date(p_crash_id) - 1;  -- timestamptz: prunes (a date would not)
BEGIN
    IF p_crash_id IS NULL THEN
        RAISE EXCEPTION 'request_priority_processing: a crash ID is required'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'request_priority_processing(''<uuid>'')';
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
'For a crash page request: ''processed'', or queues the stored raw crash at priority 0 (''queued''), or ''unknown''. Called by the web''s crash page; rerun-safe.';
