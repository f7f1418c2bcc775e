-- product_os_crash_ratio: product_crash_ratio per OS (Socorro's view).
-- Callers: the crashes-per-ADI report by OS (daily_crashes_by_os), DBAs. Read-only.
CREATE OR REPLACE VIEW product_os_crash_ratio AS
SELECT r.product_version_id,
       pv.product_name,
       pv.version_string,
       os.os_short_name,
       os.os_name,
       r.report_date AS adu_date,
       sum(r.report_count) AS crashes,
       sum(r.adu) AS adu_count,
       coalesce(pbt.throttle, 1.0)::numeric(5, 2) AS throttle,
       round(sum(r.report_count) / coalesce(pbt.throttle, 1.0))::integer AS adjusted_crashes,
       crash_hadu(sum(r.report_count), sum(r.adu), coalesce(pbt.throttle, 1.0)) AS crash_ratio
  FROM crashes_by_user_rollup r
  JOIN product_versions pv ON pv.product_version_id = r.product_version_id
  JOIN os_names os ON os.os_short_name = r.os_short_name
  LEFT JOIN product_build_types pbt ON pbt.product_name = pv.product_name AND pbt.build_type::text = pv.build_type::text
 GROUP BY r.product_version_id, pv.product_name, pv.version_string, os.os_short_name, os.os_name, r.report_date,
          pbt.throttle;
COMMENT ON VIEW product_os_crash_ratio IS 'Per version, OS and day: crashes, the OS''s ADI, throttle, adjusted crashes and crashes per 100 ADI. Read-only.';
