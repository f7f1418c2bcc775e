-- week_ends_partition(p_partname text) -> timestamptz
-- End (next Monday 00:00 UTC, exclusive) of the week a <table>_<YYYYMMDD> name stands for.
-- Callers: DBAs in psql. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION week_ends_partition(p_partname text)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT (build_date(substring(p_partname FROM '_(\d{8})$')::numeric) + 7)::timestamp AT TIME ZONE 'UTC';
$$;
COMMENT ON FUNCTION week_ends_partition(text) IS
'End (UTC, exclusive) of the week named by a <table>_<YYYYMMDD> partition name; NULL for other names. Pure helper.';
