-- crontabber_log_run(p_app_name text, p_log_time timestamptz, p_success timestamptz, p_duration interval,
--                    p_notices text[] DEFAULT NULL, p_error jsonb DEFAULT NULL) -> integer
-- Records one run of a job in crontabber_log and returns its id. Without p_error the run
-- succeeded for the logical time p_success, which becomes the job's last_success; call it in
-- the transaction of the job's own work so both commit together. With p_error
-- ({"type", "value", "traceback"}) the run failed and last_success is left alone.
-- Callers: the crontabber runner after each run (one per backfilled interval).
CREATE OR REPLACE FUNCTION crontabber_log_run(
    p_app_name text,
    p_log_time timestamptz,
    p_success timestamptz,
    p_duration interval,
    p_notices text[] DEFAULT NULL,
    p_error jsonb DEFAULT NULL
)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_id integer;
BEGIN
    IF p_app_name IS NULL OR p_log_time IS NULL THEN
        RAISE EXCEPTION 'crontabber_log_run: app name and log time are required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'log_time is the time the runner started the job';
    END IF;
    IF p_error IS NULL AND p_success IS NULL THEN
        RAISE EXCEPTION 'crontabber_log_run: a successful run of % needs its logical time', p_app_name
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'pass p_success, or p_error for a failed run';
    END IF;
    INSERT INTO crontabber_log (app_name, log_time, duration, success, exc_type, exc_value, exc_traceback, notices)
    VALUES (p_app_name, p_log_time, p_duration,
            CASE WHEN p_error IS NULL THEN p_success END,
            p_error ->> 'type', p_error ->> 'value', p_error ->> 'traceback',
            p_notices)
    RETURNING id INTO v_id;
    IF p_error IS NULL THEN
        INSERT INTO crontabber (app_name, last_success) VALUES (p_app_name, p_success)
        ON CONFLICT (app_name) DO UPDATE SET last_success = EXCLUDED.last_success;
    END IF;
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION crontabber_log_run(text, timestamptz, timestamptz, interval, text[], jsonb) IS
'Logs one job run in crontabber_log (success time and duration, or the error) with its notices; a success also sets crontabber.last_success. Called by the crontabber runner inside the run''s transaction; each call adds a row.';
