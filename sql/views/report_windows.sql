-- report_windows: every (start_date, end_date) pair of UTC days from 2000-01-01 to 2099-12-31
-- (calendar_days), start <= end: the window dimension of the report views that sum over a date
-- range. A filter on start_date and end_date is an index look-up on each side before they are
-- paired, so a view reading it costs one window.
-- Callers: signature_summary, exploitability_report, gccrashes_report. Read-only.
CREATE OR REPLACE VIEW report_windows AS
SELECT s.day AS start_date, e.day AS end_date
  FROM calendar_days s
 CROSS JOIN calendar_days e
 WHERE e.day >= s.day;
COMMENT ON VIEW report_windows IS 'All (start_date, end_date) day pairs 2000-01-01..2099-12-31 (calendar_days) with start <= end: the date-range dimension of report views (filter both columns). Read-only.';
