-- reasons: lookup of distinct reason values seen in reports (update_reports_clean adds new ones).
CREATE TABLE reasons (
    reason_id serial PRIMARY KEY,
    reason citext NOT NULL CONSTRAINT reasons_reason_key UNIQUE,
    first_seen timestamptz
);
COMMENT ON TABLE reasons IS 'Distinct crash reasons (e.g. EXCEPTION_ACCESS_VIOLATION_READ) seen in reports, with when each was first seen.';
