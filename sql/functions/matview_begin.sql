-- matview_begin(p_proc_name, p_day, p_checkdata, p_check_period, VARIADIC p_inputs) -> boolean
-- The common start of every daily report procedure:
--   1. refuses a NULL day;
--   2. takes the procedure's advisory lock (matview_lock: a concurrent run raises 55P03);
--   3. with p_checkdata, returns false (after a NOTICE) when matview_runs says the day is done,
--      so a rerun changes nothing; without it the caller recomputes the day;
--   4. raises object_not_in_prerequisite_state, naming what is missing, unless every input is
--      ready: 'reports_clean' (reports_clean_done), 'raw_adi' (rows for the day) or the name
--      of another procedure that must have completed the day (matview_runs).
-- Returns true when the caller should (re)compute the day. Callers: update_* procedures.
CREATE OR REPLACE FUNCTION matview_begin(
    p_proc_name text,
    p_day date,
    p_checkdata boolean,
    p_check_period interval,
    VARIADIC p_inputs text[] DEFAULT '{}'
)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_input text;
BEGIN
    IF p_day IS NULL THEN
        RAISE EXCEPTION '%: no day given', p_proc_name
            USING ERRCODE = 'null_value_not_allowed', HINT = format('call %s(''YYYY-MM-DD'')', p_proc_name);
    END IF;
    PERFORM matview_lock(p_proc_name);
    IF coalesce(p_checkdata, true)
       AND EXISTS (SELECT 1 FROM matview_runs m WHERE m.proc_name = p_proc_name AND m.report_date = p_day) THEN
        RAISE NOTICE '% has already been run for %; nothing to do (backfill_% recomputes the day)',
                     p_proc_name, p_day, substr(p_proc_name, 8);
        RETURN false;
    END IF;
    FOREACH v_input IN ARRAY coalesce(p_inputs, ARRAY[]::text[]) LOOP
        IF v_input = 'reports_clean' THEN
            IF NOT reports_clean_done(p_day, p_check_period) THEN
                RAISE EXCEPTION '%: reports_clean is not complete for %', p_proc_name, p_day
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = format('run update_reports_clean for every hour of %s (or backfill_reports_clean(%L, %L)) first',
                                        p_day, p_day, p_day + 1);
            END IF;
        ELSIF v_input = 'raw_adi' THEN
            IF NOT EXISTS (SELECT 1 FROM raw_adi WHERE date = p_day) THEN
                RAISE EXCEPTION '%: no ADI loaded yet for % (raw_adi has no rows for that day)', p_proc_name, p_day
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = 'load that day''s Active Daily Installs into raw_adi (crashstats adi load, or INSERT INTO raw_adi) first';
            END IF;
        ELSIF NOT EXISTS (SELECT 1 FROM matview_runs m WHERE m.proc_name = v_input AND m.report_date = p_day) THEN
            RAISE EXCEPTION '%: % has not been run for %', p_proc_name, v_input, p_day
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = format('run SELECT %s(%L) first', v_input, p_day);
        END IF;
    END LOOP;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION matview_begin(text, date, boolean, interval, text[]) IS
'Start of a daily report procedure: lock, "already done" check (checkdata), readiness of its inputs (reports_clean, raw_adi or other procedures), raising object_not_in_prerequisite_state with a hint when one is missing. Called by update_* procedures; rerun-safe.';
