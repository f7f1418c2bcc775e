-- crashes_by_user_view: crashes_by_user with names and the throttle correction:
-- adjusted_report_count = report_count / throttle (product_build_types of the version's channel).
-- Callers: the crashes-per-ADI reports (daily_crashes_by_crash_type), DBAs. Read-only.
CREATE OR REPLACE VIEW crashes_by_user_view AS
SELECT c.product_version_id,
       pv.product_name,
       pv.version_string,
       c.os_short_name,
       os.os_name,
       ct.crash_type,
       ct.crash_type_short,
       c.report_date,
       c.report_count,
       round(c.report_count / coalesce(pbt.throttle, 1.0), 3) AS adjusted_report_count,
       c.adu,
       coalesce(pbt.throttle, 1.0) AS throttle
  FROM crashes_by_user c
  JOIN product_versions pv ON pv.product_version_id = c.product_version_id
  JOIN os_names os ON os.os_short_name = c.os_short_name
  JOIN crash_types ct ON ct.crash_type_id = c.crash_type_id
  LEFT JOIN product_build_types pbt ON pbt.product_name = pv.product_name AND pbt.build_type::text = pv.build_type::text;
COMMENT ON VIEW crashes_by_user_view IS 'crashes_by_user with product, version, OS and crash type names, the throttle and adjusted_report_count = report_count / throttle. Read-only.';
