-- collector_submissions: the digest of each crash report the collector stored recently (its
-- dumps and annotations as the client sent them) and the crash ID it was given, so that the
-- same report sent again (a client retrying after a timeout whose first upload did get
-- stored) is answered with the first crash ID instead of being stored twice. Written by
-- save_collected_crash() in the transaction that stores the raw crash; rows older than the
-- collector's window (CRASHSTATS_COLLECTOR_DEDUP_WINDOW) are replaced or purged by the same
-- function, a few at a time.
CREATE TABLE collector_submissions (
    digest bytea PRIMARY KEY,
    crash_id uuid NOT NULL,
    received timestamptz NOT NULL,
    CONSTRAINT collector_submissions_digest_check CHECK (octet_length(digest) = 32)
);
CREATE INDEX collector_submissions_received_idx ON collector_submissions (received);
COMMENT ON TABLE collector_submissions IS 'Recently stored crash reports by digest (sha256 of dumps and annotations as sent) and the crash ID each got: a report sent again within the collector''s window gets the first crash ID (save_collected_crash). Rows past the window are purged as new ones come.';
COMMENT ON COLUMN collector_submissions.digest IS 'sha256 of the report''s dump names and checksums and its annotations (web/collector.py submission_digest).';
COMMENT ON COLUMN collector_submissions.received IS 'Submission time of the first report with this digest (the raw crash''s date_processed).';
