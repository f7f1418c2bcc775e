-- flash_versions: lookup of distinct flash_version values seen in reports (update_reports_clean adds new ones).
CREATE TABLE flash_versions (
    flash_version_id serial PRIMARY KEY,
    flash_version citext NOT NULL CONSTRAINT flash_versions_flash_version_key UNIQUE,
    first_seen timestamptz
);
COMMENT ON TABLE flash_versions IS 'Distinct Flash player versions seen in reports, with when each was first seen.';
