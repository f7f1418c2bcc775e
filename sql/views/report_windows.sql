-- report_windows: every (start_date, end_date) pair of UTC days, start <= end, since 2000: the
-- window dimension of the report views that sum over a date range. A filter on start_date and
-- end_date narrows each side before they are paired, so a view reading it costs one window.
-- Callers: signature_summary, exploitability_report, gccrashes_report. Read-only.
CREATE OR REPLACE VIEW report_windows AS
SELECT s::date AS start_date, e::date AS end_date
  FROM generate_series(date '2000-01-01', current_date + 1, interval '1 day') AS s
 CROSS JOIN generate_series(date '2000-01-01', current_date + 1, interval '1 day') AS e
 WHERE e >= s;
COMMENT ON VIEW report_windows IS 'All (start_date, end_date) day pairs since 2000 with start <= end: the date-range dimension of report views (filter both columns). Read-only.';
