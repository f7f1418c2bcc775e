-- crontabber_next_run(p_from timestamptz, p_frequency interval, p_time time DEFAULT NULL) -> timestamptz
-- When a job that ran at p_from runs next: p_from + p_frequency, with the time of day replaced
-- by p_time (UTC) when the job is pinned (`|HH:MM`, frequencies of a day or more).
-- Callers: crontabber_finish_run. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION crontabber_next_run(p_from timestamptz, p_frequency interval, p_time time DEFAULT NULL)
RETURNS timestamptz
LANGUAGE sql
IMMUTABLE
SET "TimeZone" TO 'UTC'
AS $$
    SELECT CASE
               WHEN p_time IS NULL THEN p_from + p_frequency
               ELSE (((p_from + p_frequency) AT TIME ZONE 'UTC')::date + p_time) AT TIME ZONE 'UTC'
           END
$$;
COMMENT ON FUNCTION crontabber_next_run(timestamptz, interval, time) IS
'Next run of a job that ran at p_from: p_from + frequency, pinned to p_time (UTC) when given. Called by crontabber_finish_run; pure.';
