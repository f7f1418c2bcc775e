-- crontabber_backfill_times(p_app_name text, p_frequency interval, p_time time, p_now timestamptz) -> SETOF timestamptz
-- The logical times a backfill job must run for at p_now, oldest first: from its last_success
-- (re-pinned to p_time when the job is pinned), every p_frequency up to p_now, so each missed
-- interval is replayed exactly once and a failure resumes where it stopped. A job that never
-- succeeded runs once, for p_now.
-- Callers: the crontabber runner (and --dry-run). Read-only.
CREATE OR REPLACE FUNCTION crontabber_backfill_times(p_app_name text, p_frequency interval, p_time time, p_now timestamptz)
RETURNS SETOF timestamptz
LANGUAGE plpgsql
STABLE
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_when timestamptz;
BEGIN
    IF p_frequency IS NULL OR p_frequency <= interval '0' THEN
        RAISE EXCEPTION 'crontabber_backfill_times: frequency must be positive (got %)', p_frequency
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'pass the job''s frequency, e.g. interval ''1 day''';
    END IF;
    SELECT last_success INTO v_when FROM crontabber WHERE app_name = p_app_name;
    IF v_when IS NULL THEN
        RETURN NEXT p_now;
        RETURN;
    END IF;
    IF p_time IS NOT NULL THEN
        v_when := ((v_when AT TIME ZONE 'UTC')::date + p_time) AT TIME ZONE 'UTC';
    END IF;
    LOOP
        EXIT WHEN v_when + p_frequency > p_now;
        v_when := v_when + p_frequency;
        RETURN NEXT v_when;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION crontabber_backfill_times(text, interval, time, timestamptz) IS
'Logical times a backfill job runs for at p_now: every frequency after its last success (pinned to p_time) up to now, or just now when it never succeeded. Called by the crontabber runner; read-only.';
