-- tstz_between(p_ts timestamptz, p_begin date, p_end date) -> boolean
-- Does p_ts fall on one of the UTC days p_begin..p_end (both inclusive)? Keeps only crashes
-- inside a version's [build_date, sunset_date] window.
-- Callers: update_tcbs and the other daily aggregates. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION tstz_between(p_ts timestamptz, p_begin date, p_end date)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT p_ts >= (p_begin::timestamp AT TIME ZONE 'UTC')
       AND p_ts < ((p_end + 1)::timestamp AT TIME ZONE 'UTC');
$$;
COMMENT ON FUNCTION tstz_between(timestamptz, date, date) IS
'True when the timestamp lies between UTC midnight of p_begin and the end of the UTC day p_end. Pure helper.';
