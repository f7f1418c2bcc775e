-- reports_live_runs: one row per update_reports_live call that counted crashes (the live
-- reports' log, kept 2 days): how many, the newest date_processed among them, and how long
-- the oldest of them had waited in reports_live_queue. reports_freshness reads it.
CREATE TABLE reports_live_runs (
    finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    crashes integer NOT NULL,
    newest_date_processed timestamptz NOT NULL,
    oldest_queued_at timestamptz NOT NULL,
    seconds double precision NOT NULL,
    PRIMARY KEY (finished_at)
);
COMMENT ON TABLE reports_live_runs IS 'Calls of update_reports_live that counted crashes: when, how many, the newest date_processed counted, the oldest queue entry taken and the seconds spent; two days are kept. Read by reports_freshness.';
