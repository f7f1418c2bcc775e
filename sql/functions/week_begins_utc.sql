-- week_begins_utc(p_ts timestamptz) -> date
-- The Monday (UTC) starting the week that contains p_ts: the date in weekly partition names.
-- Callers: partition maintenance, writers choosing a week. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION week_begins_utc(p_ts timestamptz)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT date_trunc('week', p_ts AT TIME ZONE 'UTC')::date;
$$;
COMMENT ON FUNCTION week_begins_utc(timestamptz) IS
'Monday (UTC) of the week containing the timestamp, whatever the session time zone. Pure helper.';
