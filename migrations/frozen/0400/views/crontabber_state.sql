-- crontabber_state: each job's state with its latest run, for the web's "crontabber state" page,
-- `crashstats crontabber --list-jobs` and monitoring. status is 'running', 'failing' (the last
-- invocation failed; it retries), 'ok', or 'never run'.
CREATE OR REPLACE VIEW crontabber_state AS
SELECT c.app_name,
       CASE WHEN c.ongoing IS NOT NULL THEN 'running'
            WHEN c.error_count > 0 THEN 'failing'
            WHEN c.last_run IS NULL THEN 'never run'
            ELSE 'ok' END AS status,
       c.next_run,
       c.first_run,
       c.last_run,
       c.last_success,
       c.error_count,
       c.depends_on,
       c.last_error,
       c.ongoing,
       l.log_time AS last_log_time,
       l.duration AS last_duration,
       l.exc_type IS NULL AS last_log_ok,
       l.notices AS last_notices,
       (SELECT count(*) FROM crontabber_log f
         WHERE f.app_name = c.app_name AND f.exc_type IS NOT NULL
           AND f.log_time > now() - interval '7 days') AS failures_7d
  FROM crontabber c
  LEFT JOIN LATERAL (
      SELECT g.log_time, g.duration, g.exc_type, g.notices
        FROM crontabber_log g
       WHERE g.app_name = c.app_name
       ORDER BY g.log_time DESC, g.id DESC
       LIMIT 1
  ) AS l ON true;
COMMENT ON VIEW crontabber_state IS 'One row per job: status (running, failing, ok, never run), schedule, last success, errors, and its latest crontabber_log entry; failures_7d counts failed runs in the last week. Read by the web''s crontabber-state page and crashstats crontabber --list-jobs.';
