-- reports_clean_runs: the periods update_reports_clean has processed.
-- reports_clean_done(day) is true when these periods cover the whole UTC day, even for hours
-- that had no crashes (Socorro looked for a reports_clean row in the day's last hour, which a
-- quiet installation never has).
CREATE TABLE reports_clean_runs (
    period_start timestamptz NOT NULL,
    period_end timestamptz NOT NULL,
    clean_count integer NOT NULL DEFAULT 0,
    bad_count integer NOT NULL DEFAULT 0,
    user_info_count integer NOT NULL DEFAULT 0,
    finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (period_start, period_end),
    CONSTRAINT reports_clean_runs_period_check CHECK (period_end > period_start)
);
CREATE INDEX reports_clean_runs_period_end ON reports_clean_runs (period_end);
COMMENT ON TABLE reports_clean_runs IS 'Periods processed by update_reports_clean (with rows written to reports_clean, reports_bad and reports_user_info); reports_clean_done() checks that they cover a day.';
