-- reports_freshness: how current each report is. One row for the live count of crashes
-- (update_reports_live: crashes waiting in reports_live_queue, the oldest one's wait, the newest
-- crash counted, the last call), one for update_reports_clean's periods (the newest period
-- rebuilt), and one per daily step of report_chain() (the newest UTC day closed, when).
-- counted_through is the time up to which the report holds the crashes it can see; lag is how
-- far behind utc_now() that is (live: how long the oldest waiting crash has waited).
-- Callers: `crashstats reports status`, the status page, DBAs. Read-only.
CREATE OR REPLACE VIEW reports_freshness AS
SELECT 'update_reports_live'::text AS report,
       'live'::text AS kind,
       coalesce((SELECT max(r.newest_date_processed) FROM reports_live_runs r), NULL) AS counted_through,
       (SELECT count(*) FROM reports_live_queue) AS waiting,
       CASE WHEN EXISTS (SELECT 1 FROM reports_live_queue)
            THEN utc_now() - (SELECT min(q.queued_at) FROM reports_live_queue q)
            ELSE interval '0' END AS lag,
       (SELECT max(r.finished_at) FROM reports_live_runs r) AS last_run_at,
       NULL::date AS last_closed_day
UNION ALL
SELECT 'update_reports_clean', 'period',
       (SELECT max(c.period_end) FROM reports_clean_runs c),
       NULL::bigint,
       utc_now() - (SELECT max(c.period_end) FROM reports_clean_runs c),
       (SELECT max(c.finished_at) FROM reports_clean_runs c),
       NULL::date
UNION ALL
SELECT * FROM (
    SELECT c.proc_name, c.kind,
           (m.report_date + 1)::timestamp AT TIME ZONE 'UTC',
           NULL::bigint,
           utc_now() - ((m.report_date + 1)::timestamp AT TIME ZONE 'UTC'),
           m.finished_at,
           m.report_date
      FROM report_chain() c
      LEFT JOIN LATERAL (
          SELECT r.report_date, r.finished_at FROM matview_runs r
           WHERE r.proc_name = c.proc_name ORDER BY r.report_date DESC LIMIT 1
      ) AS m ON true
     WHERE c.kind IN ('daily', 'final')
     ORDER BY c.step
) AS daily;
COMMENT ON VIEW reports_freshness IS
'How current each report is: the live count (crashes waiting, oldest wait, newest crash counted), update_reports_clean''s newest period, and each daily step''s newest closed day, with the lag behind utc_now(). crashstats reports status / DBAs; read-only.';
