-- utc_day_is(p_ts timestamptz, p_day timestamp) -> boolean
-- Does p_ts fall on the UTC day p_day: [p_day 00:00 UTC, p_day+1 00:00 UTC)?
-- Callers: daily report procedures. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION utc_day_is(p_ts timestamptz, p_day timestamp)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT p_ts >= (date_trunc('day', p_day) AT TIME ZONE 'UTC')
       AND p_ts < ((date_trunc('day', p_day) + interval '1 day') AT TIME ZONE 'UTC');
$$;
COMMENT ON FUNCTION utc_day_is(timestamptz, timestamp) IS
'True when the timestamp lies in the UTC day of p_day (start inclusive, end exclusive). Pure helper.';
