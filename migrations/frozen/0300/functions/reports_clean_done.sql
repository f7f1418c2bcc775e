-- reports_clean_done(updateday date, check_period interval DEFAULT '1 hour') -> boolean
-- Is reports_clean complete for the UTC day? True when the periods update_reports_clean has
-- processed (reports_clean_runs) cover the whole day, hours without crashes included.
-- For data loaded before runs were logged (no run overlaps the day at all) it falls back to
-- Socorro's test: a reports_clean row within the last check_period of the day.
-- Callers: matview_begin (readiness of every daily procedure), DBAs. Read-only.
CREATE OR REPLACE FUNCTION reports_clean_done(updateday date, check_period interval DEFAULT '1 hour')
RETURNS boolean
LANGUAGE plpgsql STABLE
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_start timestamptz := updateday::timestamp AT TIME ZONE 'UTC';
    v_end   timestamptz := (updateday + 1)::timestamp AT TIME ZONE 'UTC';
    v_runs  tstzmultirange;
BEGIN
    IF updateday IS NULL THEN
        RETURN false;
    END IF;
    SELECT range_agg(tstzrange(r.period_start, r.period_end)) INTO v_runs
      FROM reports_clean_runs r
     WHERE r.period_end > v_start AND r.period_start < v_end;
    IF v_runs IS NOT NULL THEN
        RETURN v_runs @> tstzrange(v_start, v_end);
    END IF;
    RETURN EXISTS (SELECT 1 FROM reports_clean
                    WHERE date_processed >= v_end - coalesce(check_period, interval '1 hour')
                      AND date_processed < v_end);
END;
$$;
COMMENT ON FUNCTION reports_clean_done(date, interval) IS
'True when update_reports_clean has processed every period of the UTC day (or, with no logged run for the day, when reports_clean has a row in its last check_period). Readiness test of the daily report procedures; read-only.';
