-- reports_bad: reports update_reports_clean could not match (unknown version, channel ...).
CREATE TABLE reports_bad (
    uuid text NOT NULL,
    date_processed timestamptz NOT NULL,
    reason text
);
CREATE INDEX reports_bad_date_processed ON reports_bad (date_processed);
COMMENT ON TABLE reports_bad IS 'Reports rejected by update_reports_clean (no matching product version, channel or signature), with the reason; trimmed to the last 2 days.';
COMMENT ON COLUMN reports_bad.reason IS 'Why the report was rejected, e.g. "no product version KillerApp 1.0 (beta, build 20140101165243)".';
