-- crontabber_due(p_apps text[], p_times time[], p_now timestamptz) -> SETOF text
-- Which of the given jobs are due at p_now, in the order given. p_times[i] is job i's pinned
-- time of day (UTC) or NULL. A job that never ran is due at once, or, when pinned, once that
-- time of day has passed (crontabber's first-run rule); afterwards when next_run <= p_now.
-- Callers: the crontabber runner, once per tick. Read-only.
CREATE OR REPLACE FUNCTION crontabber_due(p_apps text[], p_times time[], p_now timestamptz)
RETURNS SETOF text
LANGUAGE sql
STABLE
SET "TimeZone" TO 'UTC'
AS $$
    SELECT j.app_name
      FROM unnest(p_apps, p_times) WITH ORDINALITY AS j(app_name, at_time, n)
      LEFT JOIN crontabber c ON c.app_name = j.app_name
     WHERE CASE
               WHEN c.next_run IS NULL
                   THEN j.at_time IS NULL OR (p_now AT TIME ZONE 'UTC')::time >= j.at_time
               ELSE c.next_run <= p_now
           END
     ORDER BY j.n
$$;
COMMENT ON FUNCTION crontabber_due(text[], time[], timestamptz) IS
'The jobs among p_apps that are due at p_now (never run: at once, or once the pinned time of day has passed; else next_run <= now). Called by the crontabber runner each tick; read-only.';
