-- utc_now() -> timestamptz
-- The instant that report, partition and retention functions take as "now": the transaction's
-- now(), unless the setting crashstats.now names another instant. The test suite pins it to its
-- clock (so a run gives the same answers on any day); a DBA can set it for one session to replay
-- a past day: SET crashstats.now = '2026-11-30 23:59:59Z'. Event times (sessions, leases, queue
-- and audit rows) always use now().
-- Callers: the functions and views that decide what "today", "this week" or "older than N" mean.
-- STABLE (reads a setting); rerun-safe.
CREATE OR REPLACE FUNCTION utc_now()
RETURNS timestamptz
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
    v_setting text := nullif(btrim(current_setting('crashstats.now', true)), '');
BEGIN
    IF v_setting IS NULL THEN
        RETURN now();
    END IF;
    RETURN v_setting::timestamptz;
EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
    RAISE EXCEPTION 'crashstats.now is not a timestamp: %', v_setting
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'SET crashstats.now = ''2026-11-30 12:00:00Z'', or RESET crashstats.now for the real time';
END;
$$;
COMMENT ON FUNCTION utc_now() IS
'The "now" of report, partition and retention functions: now(), or the instant in the setting crashstats.now (tests pin it; DBAs replay a past day). Read-only.';
