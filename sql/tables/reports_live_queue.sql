-- reports_live_queue: processed crashes waiting to be counted by the live reports.
-- write_processed_crash adds the crash (once per crash: a crash processed again before it was
-- counted keeps one row, with its newest date_processed) in the transaction that stores it;
-- update_reports_live takes rows in queued order and normalises those crashes into
-- reports_clean; update_reports_clean, which rebuilds a whole period, removes the rows of the
-- crashes it has just covered. See docs/live-reports.md.
CREATE TABLE reports_live_queue (
    uuid text PRIMARY KEY,
    date_processed timestamptz NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_live_queue_queued_at ON reports_live_queue (queued_at);
CREATE INDEX reports_live_queue_date_processed ON reports_live_queue (date_processed);
COMMENT ON TABLE reports_live_queue IS 'Processed crashes not yet counted by the live reports (update_reports_live): one row per crash, added by write_processed_crash, taken by update_reports_live, dropped by update_reports_clean for the periods it rebuilds.';
