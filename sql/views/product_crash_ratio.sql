-- product_crash_ratio: crashes, ADI and crashes per 100 ADI per product version and day, all
-- OSes together, throttle-corrected (Socorro's view).
-- Callers: the web layer, DBAs. Read-only.
CREATE OR REPLACE VIEW product_crash_ratio AS
SELECT r.product_version_id,
       pv.product_name,
       pv.version_string,
       r.report_date AS adu_date,
       sum(r.report_count) AS crashes,
       sum(r.adu) AS adu_count,
       coalesce(pbt.throttle, 1.0)::numeric(5, 2) AS throttle,
       round(sum(r.report_count) / coalesce(pbt.throttle, 1.0))::integer AS adjusted_crashes,
       crash_hadu(sum(r.report_count), sum(r.adu), coalesce(pbt.throttle, 1.0)) AS crash_ratio
  FROM crashes_by_user_rollup r
  JOIN product_versions pv ON pv.product_version_id = r.product_version_id
  LEFT JOIN product_build_types pbt ON pbt.product_name = pv.product_name AND pbt.build_type::text = pv.build_type::text
 GROUP BY r.product_version_id, pv.product_name, pv.version_string, r.report_date, pbt.throttle;
COMMENT ON VIEW product_crash_ratio IS 'Per version and day: crashes, ADI, throttle, throttle-adjusted crashes and crashes per 100 ADI (crash_hadu). Read-only.';
