-- utc_today() -> date
-- The UTC day containing utc_now(), whatever the session time zone (current_date follows the
-- session's). Callers: functions and views windowed on "today". STABLE; rerun-safe.
CREATE OR REPLACE FUNCTION utc_today()
RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT (utc_now() AT TIME ZONE 'UTC')::date;
$$;
COMMENT ON FUNCTION utc_today() IS
'The UTC day of utc_now() (crashstats.now when set), whatever the session time zone. Read-only.';
