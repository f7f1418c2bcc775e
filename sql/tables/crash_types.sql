-- crash_types: report types (crash, plugin, hang halves, content) for crashes-per-ADI reports.
CREATE TABLE crash_types (
    crash_type_id serial PRIMARY KEY,
    crash_type citext NOT NULL CONSTRAINT crash_types_crash_type_key UNIQUE,
    crash_type_short citext NOT NULL CONSTRAINT crash_types_crash_type_short_key UNIQUE,
    process_type citext NOT NULL REFERENCES process_types (process_type) ON UPDATE CASCADE,
    has_hang_id boolean,
    old_code character(1) NOT NULL,
    include_agg boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE crash_types IS 'Report types by process type and hang flag; include_agg=false excludes the browser half of hang pairs from totals.';
