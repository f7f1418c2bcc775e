-- crontabber_nagios(p_apps text[], p_backfill_apps text[], p_now timestamptz DEFAULT now(),
--                   p_max_ongoing interval DEFAULT '12 hours') -> TABLE(status integer, message text)
-- One Nagios line about the given jobs, as crontabber's --nagios: CRITICAL (2) when a job has
-- failed more than once in a row, or once for a job that is not a backfill job, or has been
-- running longer than p_max_ongoing; WARNING (1) when a backfill job failed once (it will
-- replay); otherwise OK (0) "All systems nominal". Each trouble reads
-- "app | exception type | exception value".
-- Callers: `crashstats crontabber --nagios`. Read-only.
CREATE OR REPLACE FUNCTION crontabber_nagios(
    p_apps text[],
    p_backfill_apps text[],
    p_now timestamptz DEFAULT now(),
    p_max_ongoing interval DEFAULT '12 hours'
)
RETURNS TABLE (status integer, message text)
LANGUAGE sql
STABLE
SET "TimeZone" TO 'UTC'
AS $$
    WITH jobs AS (
        SELECT j.app_name, j.n, c.error_count, c.last_error, c.ongoing,
               j.app_name = ANY (COALESCE(p_backfill_apps, '{}')) AS is_backfill
          FROM unnest(p_apps) WITH ORDINALITY AS j(app_name, n)
          JOIN crontabber c ON c.app_name = j.app_name
    ), trouble AS (
        SELECT n,
               CASE WHEN error_count > 1 OR (error_count = 1 AND NOT is_backfill) THEN 2
                    WHEN error_count = 1 THEN 1
                    ELSE 2 END AS level,
               CASE WHEN error_count > 0
                        THEN format('%s | %s | %s', app_name, last_error ->> 'type', last_error ->> 'value')
                    ELSE format('%s | running since %s', app_name, to_char(ongoing, 'YYYY-MM-DD HH24:MI:SS"Z"'))
               END AS line
          FROM jobs
         WHERE error_count > 0 OR (ongoing IS NOT NULL AND ongoing <= p_now - p_max_ongoing)
    ), worst AS (
        SELECT max(level) AS level FROM trouble
    )
    SELECT COALESCE(w.level, 0),
           CASE w.level
               WHEN 2 THEN 'CRITICAL - ' || (SELECT string_agg(line, '; ' ORDER BY n) FROM trouble WHERE level = 2)
               WHEN 1 THEN 'WARNING - ' || (SELECT string_agg(line, '; ' ORDER BY n) FROM trouble WHERE level = 1)
               ELSE 'OK - All systems nominal'
           END
      FROM worst w
$$;
COMMENT ON FUNCTION crontabber_nagios(text[], text[], timestamptz, interval) IS
'Nagios status (0 OK, 1 WARNING: a backfill job failed once, 2 CRITICAL: repeated or non-backfill failures, or a job running too long) and its one-line message for the given jobs. Called by crashstats crontabber --nagios; read-only.';
