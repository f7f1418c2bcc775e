-- processors: every processor worker process (crashstats processor) that has run: its heartbeat
-- and the counts the server-status job turns into server_status rows.
CREATE TABLE processors (
    name text PRIMARY KEY,
    hostname text NOT NULL,
    pid integer NOT NULL,
    started_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    stopped_at timestamptz,
    crashes_processed bigint NOT NULL DEFAULT 0,
    last_completed_at timestamptz,
    window_crashes integer NOT NULL DEFAULT 0,
    window_process_sec double precision NOT NULL DEFAULT 0,
    window_wait_sec double precision NOT NULL DEFAULT 0
);
COMMENT ON TABLE processors IS 'Processor workers (name = host:pid:worker): started/last seen/stopped, crashes processed, and the window_* sums since the last server_status snapshot (update_server_status resets them). Written by processor_register, processing_queue_claim, processor_record_batch, processor_stopped.';
COMMENT ON COLUMN processors.window_wait_sec IS 'Sum over the crashes completed in the window of the seconds each waited in processing_queue before its processing started.';
