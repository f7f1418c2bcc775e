-- reports_duplicates: crashes flagged as duplicates of an earlier one (never removed).
CREATE TABLE reports_duplicates (
    uuid text NOT NULL PRIMARY KEY,
    duplicate_of text NOT NULL,
    date_processed timestamptz NOT NULL
);
CREATE INDEX reports_duplicates_timestamp ON reports_duplicates (date_processed, uuid);
COMMENT ON TABLE reports_duplicates IS 'Duplicate crash flags from update_reports_duplicates: uuid is a duplicate of duplicate_of (leaders point at themselves).';
