-- build_type: the release channel of a product version, lower case (Socorro's build_type enum).
-- Order matters to nobody; the labels are what update_reports_clean matches channels against.
CREATE TYPE build_type AS ENUM ('release', 'esr', 'aurora', 'beta', 'nightly');
COMMENT ON TYPE build_type IS 'Release channel of a product version (lower case): release, esr, aurora, beta, nightly.';
