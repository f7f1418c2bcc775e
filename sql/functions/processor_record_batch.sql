-- processor_record_batch(p_name text, p_crashes integer, p_process_sec double precision,
--                        p_wait_sec double precision) -> void
-- Adds a batch of processed crashes to the worker's processors row: the total count,
-- last_completed_at, and the window sums (crashes, seconds of processing, seconds waited in
-- the queue) that update_server_status turns into averages and resets.
-- Callers: the processor worker, in the transaction that stores the batch (so the counts
-- commit with the crashes). Not rerun-safe by design: each call adds its batch.
CREATE OR REPLACE FUNCTION processor_record_batch(
    p_name text,
    p_crashes integer,
    p_process_sec double precision,
    p_wait_sec double precision
)
RETURNS void
LANGUAGE sql
AS $$
    UPDATE processors
       SET crashes_processed = crashes_processed + p_crashes,
           last_completed_at = CASE WHEN p_crashes > 0 THEN clock_timestamp() ELSE last_completed_at END,
           last_seen_at = clock_timestamp(),
           window_crashes = window_crashes + p_crashes,
           window_process_sec = window_process_sec + p_process_sec,
           window_wait_sec = window_wait_sec + p_wait_sec
     WHERE name = p_name;
$$;
COMMENT ON FUNCTION processor_record_batch(text, integer, double precision, double precision) IS
'Adds a stored batch to the processor''s counts and server-status window sums. Called by the processor worker with each batch; each call adds (not idempotent).';
