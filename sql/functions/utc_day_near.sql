-- utc_day_near(p_ts timestamptz, p_day timestamp) -> boolean
-- Is p_ts within a day either side of the UTC day p_day: (p_day-1 day, p_day+2 days)?
-- Used to bound index scans when matching rows across midnight.
-- Callers: update_reports_clean, update_reports_duplicates. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION utc_day_near(p_ts timestamptz, p_day timestamp)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT p_ts > ((date_trunc('day', p_day) - interval '1 day') AT TIME ZONE 'UTC')
       AND p_ts < ((date_trunc('day', p_day) + interval '2 days') AT TIME ZONE 'UTC');
$$;
COMMENT ON FUNCTION utc_day_near(timestamptz, timestamp) IS
'True when the timestamp lies within one day either side of the UTC day p_day. Pure helper.';
