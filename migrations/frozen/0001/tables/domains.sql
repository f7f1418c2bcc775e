-- domains: lookup of distinct domain values seen in reports (update_reports_clean adds new ones).
CREATE TABLE domains (
    domain_id serial PRIMARY KEY,
    domain citext NOT NULL CONSTRAINT domains_domain_key UNIQUE,
    first_seen timestamptz
);
COMMENT ON TABLE domains IS 'Distinct URL domains (scheme://host) seen in reports, with when each was first seen.';
