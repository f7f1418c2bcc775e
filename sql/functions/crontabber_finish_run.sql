-- crontabber_finish_run(p_app_name text, p_started timestamptz, p_depends_on text[], p_frequency interval,
--                       p_time time, p_error jsonb, p_error_retry interval DEFAULT '300 seconds')
--     -> TABLE(app_name, next_run, first_run, last_run, last_success, error_count, depends_on, last_error, ongoing)
-- Closes a job invocation that started at p_started (crontabber's _log_run): sets first_run
-- (once), last_run, depends_on; on success (p_error NULL) clears last_error and error_count and
-- schedules next_run = p_started + frequency pinned to p_time; on failure stores last_error
-- ({"type","value","traceback"}), counts it, and retries at p_started + p_error_retry. Clears
-- the ongoing lock. Returns the new state.
-- Callers: the crontabber runner after the job's last interval (or its failure).
CREATE OR REPLACE FUNCTION crontabber_finish_run(
    p_app_name text,
    p_started timestamptz,
    p_depends_on text[],
    p_frequency interval,
    p_time time,
    p_error jsonb,
    p_error_retry interval DEFAULT '300 seconds'
)
RETURNS TABLE (app_name text, next_run timestamptz, first_run timestamptz, last_run timestamptz,
               last_success timestamptz, error_count integer, depends_on text[], last_error jsonb,
               ongoing timestamptz)
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
#variable_conflict use_column
BEGIN
    IF p_app_name IS NULL OR p_started IS NULL OR p_frequency IS NULL OR p_error_retry IS NULL THEN
        RAISE EXCEPTION 'crontabber_finish_run: app name, start time, frequency and retry delay are required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'the crontabber runner passes the job''s start time, frequency and retry delay';
    END IF;
    INSERT INTO crontabber AS c (app_name) VALUES (p_app_name) ON CONFLICT (app_name) DO NOTHING;
    RETURN QUERY
    UPDATE crontabber c
       SET first_run   = COALESCE(first_run, p_started),
           last_run    = p_started,
           depends_on  = COALESCE(p_depends_on, '{}'),
           next_run    = CASE WHEN p_error IS NULL THEN crontabber_next_run(p_started, p_frequency, p_time)
                              ELSE p_started + p_error_retry END,
           last_error  = COALESCE(p_error, '{}'::jsonb),
           error_count = CASE WHEN p_error IS NULL THEN 0 ELSE error_count + 1 END,
           ongoing     = NULL
     WHERE c.app_name = p_app_name
    RETURNING c.app_name, c.next_run, c.first_run, c.last_run, c.last_success, c.error_count,
              c.depends_on, c.last_error, c.ongoing;
END;
$$;
COMMENT ON FUNCTION crontabber_finish_run(text, timestamptz, text[], interval, time, jsonb, interval) IS
'Ends a job invocation: first/last run, depends_on, next_run (frequency pinned to the time of day, or the retry delay after an error), last_error and error_count; clears ongoing. Called by the crontabber runner once per invocation.';
