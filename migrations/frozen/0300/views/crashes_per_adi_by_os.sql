-- crashes_per_adi_by_os: the crashes-per-ADI page by version, day and OS (crash types counted
-- in aggregates), throttle-adjusted, with the OS's ADI.
-- Web: WHERE product_name = ? AND version_string = ANY(?) AND os_name = ANY(?) AND report_date BETWEEN ? AND ?
-- Read-only.
CREATE OR REPLACE VIEW crashes_per_adi_by_os AS
SELECT r.product_name, r.version_string, r.os_name, r.os_short_name, r.adu_date AS report_date,
       r.crashes AS report_count, r.adjusted_crashes AS adjusted_report_count, r.adu_count AS adu,
       r.crash_ratio AS crash_hadu, r.throttle
  FROM product_os_crash_ratio r;
COMMENT ON VIEW crashes_per_adi_by_os IS 'Crashes per ADI by version, day and OS: crashes, adjusted crashes, the OS''s ADI, crashes per 100 ADI, throttle. Read by /daily; read-only.';
