-- health_status() -> one row
-- What the heartbeat pages report about the database side of the pipeline, in one round trip:
--   * queue_depth: crashes in processing_queue (claimed or not);
--   * oldest_queued_sec: seconds since the oldest of them was queued (NULL when empty);
--   * jobs_known / jobs_failing: crontabber jobs with a state row, and those whose last
--     invocation failed (they retry);
--   * last_job_success: the latest last_success of any crontabber job (NULL: none yet);
--   * in_recovery: this server is a streaming replica;
--   * replica_lag_sec: on a replica, seconds since the last transaction it replayed was
--     committed on the primary, 0 when it has replayed everything it received; NULL on a
--     primary.
-- Callers: /__heartbeat__ (web/health.py) and the read-replica staleness notice of the web
-- pages. Read-only; safe to call at any time, on a primary or a replica.
CREATE OR REPLACE FUNCTION health_status()
RETURNS TABLE (
    queue_depth bigint,
    oldest_queued_sec double precision,
    jobs_known bigint,
    jobs_failing bigint,
    last_job_success timestamptz,
    in_recovery boolean,
    replica_lag_sec double precision
)
LANGUAGE sql STABLE
SET "TimeZone" TO 'UTC'
AS $$
    SELECT (SELECT count(*) FROM processing_queue),
           (SELECT extract(epoch FROM now() - min(q.queued_at))::double precision FROM processing_queue q),
           (SELECT count(*) FROM crontabber),
           (SELECT count(*) FROM crontabber c WHERE c.error_count > 0),
           (SELECT max(c.last_success) FROM crontabber c),
           pg_is_in_recovery(),
           CASE WHEN NOT pg_is_in_recovery() THEN NULL
                WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))::double precision
           END;
$$;
COMMENT ON FUNCTION health_status() IS
'Queue depth and age of the oldest queued crash, crontabber jobs known/failing and their latest success, whether this server is a replica and its replay lag in seconds. Called by /__heartbeat__ and the web pages (replica staleness); read-only.';
