-- crontabber_claim(p_app_name text, p_now timestamptz, p_max_ongoing interval DEFAULT '12 hours',
--                  p_force boolean DEFAULT false) -> TABLE(app_name, next_run, first_run, last_run,
--     last_success, error_count, depends_on, last_error, ongoing)
-- Takes the job's "ongoing" lock: returns its state row with ongoing = p_now, or no row when
-- another runner holds it (its ongoing mark is younger than p_max_ongoing) or is claiming it
-- at this very moment. Only transaction-scoped locks are used (pg_try_advisory_xact_lock, then
-- the row lock), so it works through PgBouncer in transaction mode; the claim lasts past the
-- transaction through the committed ongoing timestamp, which crontabber_finish_run clears.
-- A mark older than p_max_ongoing (a runner that died) is taken over with a WARNING. Unless
-- p_force, a job whose next_run has moved past p_now since the caller found it due (another
-- runner ran it meanwhile) is not claimed either.
-- Callers: the crontabber runner before running a job; commit right after. Rerun-safe.
CREATE OR REPLACE FUNCTION crontabber_claim(
    p_app_name text,
    p_now timestamptz,
    p_max_ongoing interval DEFAULT '12 hours',
    p_force boolean DEFAULT false
)
RETURNS TABLE (app_name text, next_run timestamptz, first_run timestamptz, last_run timestamptz,
               last_success timestamptz, error_count integer, depends_on text[], last_error jsonb,
               ongoing timestamptz)
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    v_ongoing  timestamptz;
    v_next_run timestamptz;
BEGIN
    IF p_app_name IS NULL OR p_now IS NULL OR p_max_ongoing IS NULL THEN
        RAISE EXCEPTION 'crontabber_claim: app name, time and maximum ongoing age are required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'call it as crontabber_claim(''app-name'', now())';
    END IF;
    IF NOT pg_try_advisory_xact_lock(hashtext('crashstats.crontabber'), hashtext(p_app_name)) THEN
        RETURN;
    END IF;
    INSERT INTO crontabber AS c (app_name) VALUES (p_app_name) ON CONFLICT (app_name) DO NOTHING;
    SELECT c.ongoing, c.next_run INTO v_ongoing, v_next_run
      FROM crontabber c WHERE c.app_name = p_app_name FOR UPDATE;
    IF v_ongoing IS NOT NULL THEN
        IF v_ongoing > p_now - p_max_ongoing THEN
            RETURN;
        END IF;
        RAISE WARNING 'crontabber: % has been marked as running since %, longer than %; taking it over',
                      p_app_name, v_ongoing, p_max_ongoing;
    ELSIF NOT p_force AND v_next_run > p_now THEN
        RETURN;  -- it ran elsewhere since the caller found it due
    END IF;
    RETURN QUERY
    UPDATE crontabber c SET ongoing = p_now WHERE c.app_name = p_app_name
    RETURNING c.app_name, c.next_run, c.first_run, c.last_run, c.last_success, c.error_count,
              c.depends_on, c.last_error, c.ongoing;
END;
$$;
COMMENT ON FUNCTION crontabber_claim(text, timestamptz, interval, boolean) IS
'Marks a job as running (ongoing = now) and returns its state row, or no row when another runner holds it (ongoing younger than p_max_ongoing), is claiming it now, or already ran it (next_run > now, unless p_force). Transaction-scoped locks only (PgBouncer-safe). Called by the crontabber runner; rerun-safe.';
