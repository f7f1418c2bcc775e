-- server_status: snapshots of the processing pipeline (Socorro's table), one row per
-- server-status job run: queue depth, oldest queued crash, recent processing times, processors seen.
CREATE TABLE server_status (
    id serial PRIMARY KEY,
    date_recently_completed timestamptz,
    date_oldest_job_queued timestamptz,
    avg_process_sec real,
    avg_wait_sec real,
    waiting_job_count integer NOT NULL,
    processors_count integer NOT NULL,
    date_created timestamptz NOT NULL
);
CREATE INDEX server_status_date_created ON server_status (date_created);
COMMENT ON TABLE server_status IS 'Processing pipeline snapshots written by the server-status job every 5 minutes: waiting crashes, the oldest queued one, average wait and processing times, processors seen.';
