-- crashes_per_adi_by_crash_type: the crashes-per-ADI page by version, day and report type
-- (crash, oop, hang-p, hang-b, content: crash_types.crash_type_short), all OSes together.
-- Web: WHERE product_name = ? AND version_string = ANY(?) AND crash_type_short = ANY(?) AND report_date BETWEEN ? AND ?
-- Read-only.
CREATE OR REPLACE VIEW crashes_per_adi_by_crash_type AS
SELECT v.product_name, v.version_string, v.crash_type, v.crash_type_short, v.report_date,
       sum(v.report_count) AS report_count, sum(v.adjusted_report_count) AS adjusted_report_count,
       sum(v.adu) AS adu, crash_hadu(sum(v.report_count), sum(v.adu), v.throttle) AS crash_hadu, v.throttle
  FROM crashes_by_user_view v
 GROUP BY v.product_version_id, v.product_name, v.version_string, v.crash_type, v.crash_type_short,
          v.report_date, v.throttle;
COMMENT ON VIEW crashes_per_adi_by_crash_type IS 'Crashes per ADI by version, day and report type: crashes, adjusted crashes, ADI, crashes per 100 ADI, throttle. Read by /daily; read-only.';
