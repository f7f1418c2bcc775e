-- addresses: lookup of distinct address values seen in reports (update_reports_clean adds new ones).
CREATE TABLE addresses (
    address_id serial PRIMARY KEY,
    address citext NOT NULL CONSTRAINT addresses_address_key UNIQUE,
    first_seen timestamptz
);
COMMENT ON TABLE addresses IS 'Distinct crash addresses seen in reports, with when each was first seen.';
