-- processor_stopped(p_name text) -> void
-- A processor worker stopping cleanly (SIGTERM, --once done): sets stopped_at, so it no longer
-- counts in server_status.processors_count. A worker that dies without calling this stops
-- counting once its last_seen_at is older than the server-status window.
-- Callers: the processor worker on exit. Rerun-safe.
CREATE OR REPLACE FUNCTION processor_stopped(p_name text)
RETURNS void
LANGUAGE sql
AS $$
    UPDATE processors SET stopped_at = clock_timestamp(), last_seen_at = clock_timestamp()
     WHERE name = p_name;
$$;
COMMENT ON FUNCTION processor_stopped(text) IS
'Marks a processor worker stopped (stopped_at = now). Called by the worker on a clean exit; rerun-safe.';
