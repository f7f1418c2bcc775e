-- crashes_by_user_rollup: crashes_by_user summed over the crash types counted in aggregates
-- (include_agg), per version, day and OS; adu is the OS's ADI (the same on every crash type row).
-- Callers: product_crash_ratio, product_os_crash_ratio. Read-only.
CREATE OR REPLACE VIEW crashes_by_user_rollup AS
SELECT c.product_version_id, c.report_date, c.os_short_name, sum(c.report_count) AS report_count, min(c.adu) AS adu
  FROM crashes_by_user c
  JOIN crash_types ct ON ct.crash_type_id = c.crash_type_id
 WHERE ct.include_agg
 GROUP BY c.product_version_id, c.report_date, c.os_short_name;
COMMENT ON VIEW crashes_by_user_rollup IS 'Per version, day and OS: crashes of include_agg crash types and the OS''s ADI. Read by product_crash_ratio and product_os_crash_ratio.';
