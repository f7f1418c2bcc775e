-- run_report_step(p_proc_name text, p_day date, p_replace boolean DEFAULT false) -> boolean
-- Runs one step of report_chain() for the UTC day p_day with the right arguments:
-- update_product_versions(); update_reports_duplicates(day, day + 1); update_reports_clean(day,
-- '1 day') unless reports_clean_done(day); any daily update_X(day, checkdata => NOT p_replace). With p_replace the day is recomputed even if it was
-- done (what backfill_X does); without it a finished day is left alone.
-- Raises undefined_function for a name that is not in report_chain().
-- Callers: backfill_matviews, `crashstats reports daily`, the report benchmark. Rerun-safe.
CREATE OR REPLACE FUNCTION run_report_step(p_proc_name text, p_day date, p_replace boolean DEFAULT false)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_kind   text;
    v_start  timestamptz := p_day::timestamp AT TIME ZONE 'UTC';
    v_result boolean;
BEGIN
    SELECT c.kind INTO v_kind FROM report_chain() c WHERE c.proc_name = p_proc_name;
    IF v_kind IS NULL THEN
        RAISE EXCEPTION 'run_report_step: % is not a step of the report chain', p_proc_name
            USING ERRCODE = 'undefined_function', HINT = 'see SELECT * FROM report_chain()';
    END IF;
    IF p_day IS NULL AND v_kind <> 'once' THEN
        RAISE EXCEPTION 'run_report_step: % needs a day', p_proc_name USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_proc_name = 'update_product_versions' THEN
        RETURN update_product_versions();
    ELSIF p_proc_name = 'update_reports_duplicates' THEN
        PERFORM update_reports_duplicates(v_start, v_start + interval '1 day');
        RETURN true;
    ELSIF p_proc_name = 'update_reports_clean' THEN
        IF NOT p_replace AND reports_clean_done(p_day) THEN
            RAISE NOTICE 'update_reports_clean has already been run for %; nothing to do', p_day;
            RETURN false;
        END IF;
        RETURN update_reports_clean(v_start, interval '1 day', true, true);
    END IF;
    EXECUTE format('SELECT %I($1, $2)', p_proc_name) INTO v_result USING p_day, NOT coalesce(p_replace, false);
    RETURN v_result;
END;
$$;
COMMENT ON FUNCTION run_report_step(text, date, boolean) IS
'Runs one report_chain() step for a day with the right arguments (whole day for the hourly steps); p_replace recomputes a finished day. backfill_matviews / crashstats reports daily / benchmark; rerun-safe.';
