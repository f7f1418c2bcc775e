-- crontabber_reset(p_app_name text, p_now timestamptz DEFAULT now(), p_max_ongoing interval DEFAULT '12 hours') -> boolean
-- Forgets a job's state (`crashstats crontabber --reset-job`): its next run, last success and
-- errors, so it runs at the next tick as if new. Its log is kept. Refuses while the job is
-- running (ongoing younger than p_max_ongoing). Returns whether there was a state to forget.
-- Callers: the crontabber CLI. Rerun-safe.
CREATE OR REPLACE FUNCTION crontabber_reset(p_app_name text, p_now timestamptz DEFAULT now(), p_max_ongoing interval DEFAULT '12 hours')
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_row crontabber;
BEGIN
    SELECT * INTO v_row FROM crontabber WHERE app_name = p_app_name FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF v_row.ongoing IS NOT NULL AND v_row.ongoing > p_now - p_max_ongoing THEN
        RAISE EXCEPTION 'crontabber: % is running (since %); reset it once it has finished', p_app_name, v_row.ongoing
            USING ERRCODE = 'object_in_use',
                  HINT = 'crashstats crontabber --list-jobs shows the running jobs';
    END IF;
    DELETE FROM crontabber WHERE app_name = p_app_name;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION crontabber_reset(text, timestamptz, interval) IS
'Deletes a job''s crontabber state so it runs afresh at the next tick (log kept); refuses while it runs. Called by crashstats crontabber --reset-job; rerun-safe.';
