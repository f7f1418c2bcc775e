-- signature_summary: the signature summary page: for a signature and a date range, one row per
-- report_type (products, uptime, os, process_type, architecture, flash_version,
-- distinct_install, devices, graphics, exploitability) and category, with crashes and share.
-- product_name / version_string NULL means all versions of all products; otherwise one version.
-- Web: SELECT * FROM signature_summary WHERE signature = ? AND start_date = ? AND end_date = ?
--        AND version_string IS NULL            (or: AND product_name = ? AND version_string = ?)
--      ORDER BY report_type, report_count DESC;
-- exploitability rows are restricted data (view_exploitability). Read-only.
CREATE OR REPLACE VIEW signature_summary AS
SELECT s.signature, s.signature_id, w.start_date, w.end_date, sc.product_name, sc.version_string, x.report_type,
       x.category, x.report_count, x.percentage, x.install_count
  FROM signatures s
 CROSS JOIN report_windows w
 CROSS JOIN (SELECT pv.product_version_id, pv.product_name, pv.version_string FROM product_versions pv
             UNION ALL
             SELECT NULL::integer, NULL::citext, NULL::citext) AS sc
 CROSS JOIN LATERAL signature_summary_for(s.signature_id, w.start_date, w.end_date, sc.product_version_id) AS x;
COMMENT ON VIEW signature_summary IS 'Signature summary page: per signature, date range and version (NULL = all), crashes and share per report type and category. Filter signature, start_date, end_date and the version; read-only.';
