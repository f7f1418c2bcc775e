-- crontabber_blocked_by(p_depends_on text[], p_now timestamptz) -> text
-- Why a job whose dependencies are p_depends_on must not run at p_now, or NULL when it may:
-- the first dependency (in the order given) that has never run, is running, failed the last
-- time it ran, or is due/overdue (next_run <= p_now: it has not succeeded for this period).
-- Callers: the crontabber runner before each job (skipped jobs are retried next tick). Read-only.
CREATE OR REPLACE FUNCTION crontabber_blocked_by(p_depends_on text[], p_now timestamptz)
RETURNS text
LANGUAGE sql
STABLE
SET "TimeZone" TO 'UTC'
AS $$
    SELECT CASE
               WHEN c.app_name IS NULL OR c.last_run IS NULL
                   THEN format('%s has not run yet', d.dep)
               WHEN c.ongoing IS NOT NULL
                   THEN format('%s is running (since %s)', d.dep, to_char(c.ongoing, 'YYYY-MM-DD HH24:MI:SS"Z"'))
               WHEN c.last_error IS NOT NULL AND c.last_error <> '{}'::jsonb
                   THEN format('%s failed the last time it ran (%s: %s)', d.dep,
                               c.last_error ->> 'type', c.last_error ->> 'value')
               ELSE format('%s has not succeeded since %s (it was due %s)', d.dep,
                           to_char(c.last_success, 'YYYY-MM-DD HH24:MI:SS"Z"'),
                           to_char(c.next_run, 'YYYY-MM-DD HH24:MI:SS"Z"'))
           END
      FROM unnest(p_depends_on) WITH ORDINALITY AS d(dep, n)
      LEFT JOIN crontabber c ON c.app_name = d.dep
     WHERE c.app_name IS NULL
        OR c.last_run IS NULL
        OR c.ongoing IS NOT NULL
        OR (c.last_error IS NOT NULL AND c.last_error <> '{}'::jsonb)
        OR c.next_run IS NULL
        OR c.next_run <= p_now
     ORDER BY d.n
     LIMIT 1
$$;
COMMENT ON FUNCTION crontabber_blocked_by(text[], timestamptz) IS
'Why a job depending on p_depends_on may not run at p_now (a dependency never ran, is running, failed last time, or is due/overdue), or NULL. Called by the crontabber runner before each job; read-only.';
