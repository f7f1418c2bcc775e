-- request_priority_processing(p_crash_id uuid) -> text
-- Asks for a crash to be processed first: its processing_queue row gets priority 0; a crash
-- whose raw crash is stored but that is not queued (deferred by the throttler, or its row
-- lost) is queued with priority 0 (the insert NOTIFYs the processors). Returns 'queued' (a row
-- was inserted), 'raised' (an existing row now has priority 0), 'already' (it had priority 0),
-- 'processed' (a processed crash exists: nothing to do) or 'unknown' (no raw crash).
-- Callers: the web's crash page for a crash not processed yet ("pending"), the API. Rerun-safe.
CREATE OR REPLACE FUNCTION request_priority_processing(p_crash_id uuid)
RETURNS text
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_priority smallint;
BEGIN
    IF p_crash_id IS NULL THEN
        RAISE EXCEPTION 'request_priority_processing: a crash id is required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT q.priority INTO v_priority FROM processing_queue q WHERE q.crash_id = p_crash_id FOR UPDATE;
    IF FOUND THEN
        IF v_priority = 0 THEN
            RETURN 'already';
        END IF;
        UPDATE processing_queue SET priority = 0 WHERE crash_id = p_crash_id;
        RETURN 'raised';
    END IF;
    IF EXISTS (SELECT 1 FROM processed_crashes p WHERE p.uuid = p_crash_id) THEN
        RETURN 'processed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM raw_crashes r WHERE r.uuid = p_crash_id) THEN
        RETURN 'unknown';
    END IF;
    INSERT INTO processing_queue (crash_id, priority, queued_at)
    VALUES (p_crash_id, 0, now())
    ON CONFLICT (crash_id) DO UPDATE SET priority = 0;
    RETURN 'queued';
END;
$$;
COMMENT ON FUNCTION request_priority_processing(uuid) IS
'Priority processing of one crash: its processing_queue row gets priority 0, or is inserted when the raw crash exists but is not queued. Returns queued, raised, already, processed or unknown. Called by the web''s pending page; rerun-safe.';
