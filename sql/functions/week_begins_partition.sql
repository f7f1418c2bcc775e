-- week_begins_partition(p_partname text) -> timestamptz
-- Start (Monday 00:00 UTC) of the week a <table>_<YYYYMMDD> partition name stands for.
-- Name-based helper kept for Socorro's DBAs; partition code finds weeks through the catalog.
-- Callers: DBAs in psql. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION week_begins_partition(p_partname text)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT build_date(substring(p_partname FROM '_(\d{8})$')::numeric)::timestamp AT TIME ZONE 'UTC';
$$;
COMMENT ON FUNCTION week_begins_partition(text) IS
'Start (UTC) of the week named by a <table>_<YYYYMMDD> partition name; NULL for other names. Pure helper.';
