-- major_version_t: exactly "<major>.<minor>", e.g. 38.0 (the major version of 38.0b3).
-- Socorro called this domain major_version, the same name as its function; in PostgreSQL
-- major_version('6.0a2') then parses as a cast to the domain and returns '6.0a2' unchanged.
-- The domain gets its own name so that the function call means what it says.
CREATE DOMAIN major_version_t AS text CHECK (VALUE ~ '^\d+\.\d+$');
COMMENT ON DOMAIN major_version_t IS 'Exactly "<major>.<minor>", e.g. 38.0 for 38.0b3 (see to_major_version).';
