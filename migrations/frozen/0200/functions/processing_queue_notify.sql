-- processing_queue_notify() -> trigger
-- AFTER INSERT trigger of processing_queue: NOTIFY crashstats_processing_queue with the new
-- row's crash ID, so idle processors (LISTEN crashstats_processing_queue) wake up at commit.
-- Callers: the processing_queue_notify trigger. Rerun-safe (notifications are delivered at
-- commit only, once per transaction and payload).
CREATE OR REPLACE FUNCTION processing_queue_notify()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('crashstats_processing_queue', NEW.crash_id::text);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION processing_queue_notify() IS
'Trigger function: NOTIFY crashstats_processing_queue with the crash ID of each row inserted into processing_queue (delivered at commit). Rerun-safe.';
