-- home_page_graph_view: the home page graph and the crashes-per-ADI report by version and day:
-- home_page_graph with names, featured flag, throttle and throttle-adjusted crashes. A day whose
-- ADI has not arrived yet (the live reports count its crashes first) gets a provisional rate
-- against the version's latest day with ADI: adu_provisional, and adu_date the day of that ADI
-- (docs/live-reports.md); adu stays 0 until the day's ADI is loaded.
-- Web: SELECT ... WHERE product_name = ? AND version_string = ANY(?) AND report_date BETWEEN ? AND ?
-- (featured versions: AND is_featured). Read-only.
CREATE OR REPLACE VIEW home_page_graph_view AS
SELECT h.product_version_id,
       pv.product_name,
       pv.version_string,
       h.report_date,
       h.report_count,
       h.adu,
       (CASE WHEN prov.adu IS NULL THEN h.crash_hadu
             ELSE crash_hadu(h.report_count, prov.adu, coalesce(pbt.throttle, 1.0)) END)::numeric(12, 3) AS crash_hadu,
       round(h.report_count / coalesce(pbt.throttle, 1.0), 3) AS adjusted_report_count,
       coalesce(pbt.throttle, 1.0) AS throttle,
       pv.featured_version AS is_featured,
       pv.build_type,
       pv.version_sort,
       prov.adu IS NOT NULL AS adu_provisional,
       coalesce(prov.report_date, h.report_date) AS adu_date
  FROM home_page_graph h
  JOIN product_versions pv ON pv.product_version_id = h.product_version_id
  LEFT JOIN product_build_types pbt ON pbt.product_name = pv.product_name AND pbt.build_type::text = pv.build_type::text
  -- a day whose ADI has not been loaded yet (update_adu has not run for it: today, or a day the
  -- live reports counted before its ADI arrived): the rate against the version's latest day with ADI
  LEFT JOIN LATERAL (
      SELECT p.report_date, p.adu
        FROM home_page_graph p
       WHERE h.adu = 0
         AND NOT EXISTS (SELECT 1 FROM matview_runs m WHERE m.proc_name = 'update_adu' AND m.report_date = h.report_date)
         AND p.product_version_id = h.product_version_id AND p.report_date < h.report_date AND p.adu > 0
       ORDER BY p.report_date DESC
       LIMIT 1
  ) AS prov ON true;
COMMENT ON VIEW home_page_graph_view IS 'Home page graph by report day: crashes, ADI, crashes per 100 ADI (throttle-corrected; provisional, against the latest day with ADI, for a day whose ADI has not arrived: adu_provisional, adu_date), adjusted crashes, throttle, featured flag per version. Read by the home page and /daily.';
