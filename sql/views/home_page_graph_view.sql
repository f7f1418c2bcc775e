-- home_page_graph_view: the home page graph and the crashes-per-ADI report by version and day:
-- home_page_graph with names, featured flag, throttle and throttle-adjusted crashes.
-- Web: SELECT ... WHERE product_name = ? AND version_string = ANY(?) AND report_date BETWEEN ? AND ?
-- (featured versions: AND is_featured). Read-only.
CREATE OR REPLACE VIEW home_page_graph_view AS
SELECT h.product_version_id,
       pv.product_name,
       pv.version_string,
       h.report_date,
       h.report_count,
       h.adu,
       h.crash_hadu,
       round(h.report_count / coalesce(pbt.throttle, 1.0), 3) AS adjusted_report_count,
       coalesce(pbt.throttle, 1.0) AS throttle,
       pv.featured_version AS is_featured,
       pv.build_type,
       pv.version_sort
  FROM home_page_graph h
  JOIN product_versions pv ON pv.product_version_id = h.product_version_id
  LEFT JOIN product_build_types pbt ON pbt.product_name = pv.product_name AND pbt.build_type::text = pv.build_type::text;
COMMENT ON VIEW home_page_graph_view IS 'Home page graph by report day: crashes, ADI, crashes per 100 ADI (throttle-corrected), adjusted crashes, throttle, featured flag per version. Read by the home page and /daily.';
