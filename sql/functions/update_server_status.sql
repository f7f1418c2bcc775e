-- update_server_status(p_now timestamptz DEFAULT now()) -> integer
-- The server-status job (Socorro's ServerStatusCronApp): inserts one server_status row
-- describing the processing pipeline at p_now and returns its id:
--   * waiting_job_count: crashes in processing_queue (claimed or not);
--   * date_oldest_job_queued: the oldest queued_at among them (NULL when the queue is empty);
--   * avg_process_sec / avg_wait_sec: over the crashes stored since the previous snapshot, the
--     average seconds from the start of processing to storage, and from queueing to the start
--     of processing (0 when none): the processors' window sums (processor_record_batch),
--     which this call takes and resets;
--   * processors_count: processor workers running (not stopped) and seen in the 10 minutes
--     before p_now; date_recently_completed: the last time any processor stored a crash.
-- Rows of processors stopped or unseen for 7 days are deleted.
-- Callers: the server-status job every 5 minutes (crashstats crontabber). Each call adds a row.
CREATE OR REPLACE FUNCTION update_server_status(p_now timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_crashes bigint;
    v_process double precision;
    v_wait    double precision;
    v_id      integer;
BEGIN
    IF p_now IS NULL THEN
        RAISE EXCEPTION 'update_server_status: the snapshot time is required'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'update_server_status(now())';
    END IF;
    -- lock the processors rows first (latest committed sums), then reset what was read
    SELECT coalesce(sum(w.window_crashes), 0), coalesce(sum(w.window_process_sec), 0),
           coalesce(sum(w.window_wait_sec), 0)
      INTO v_crashes, v_process, v_wait
      FROM (SELECT p.window_crashes, p.window_process_sec, p.window_wait_sec
              FROM processors p WHERE p.window_crashes > 0 FOR UPDATE) w;
    UPDATE processors SET window_crashes = 0, window_process_sec = 0, window_wait_sec = 0
     WHERE window_crashes > 0;

    INSERT INTO server_status (date_recently_completed, date_oldest_job_queued, avg_process_sec,
                               avg_wait_sec, waiting_job_count, processors_count, date_created)
    SELECT (SELECT max(p.last_completed_at) FROM processors p),
           (SELECT min(q.queued_at) FROM processing_queue q),
           CASE WHEN v_crashes > 0 THEN v_process / v_crashes ELSE 0 END,
           CASE WHEN v_crashes > 0 THEN v_wait / v_crashes ELSE 0 END,
           (SELECT count(*) FROM processing_queue),
           (SELECT count(*) FROM processors p
             WHERE p.stopped_at IS NULL AND p.last_seen_at > p_now - interval '10 minutes'),
           p_now
    RETURNING id INTO v_id;

    DELETE FROM processors p WHERE coalesce(p.stopped_at, p.last_seen_at) < p_now - interval '7 days';
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION update_server_status(timestamptz) IS
'Inserts a server_status snapshot (queue depth, oldest queued crash, average processing and wait seconds since the previous snapshot, running processors, last completion) and returns its id. Called by the server-status job every 5 minutes; each call adds a row.';
