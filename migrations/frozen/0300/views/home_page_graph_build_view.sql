-- home_page_graph_build_view: the home page graph by build date: per version and build date,
-- crashes and ADI summed over the build's report days (its first week) and
-- crash_hadu(crashes, ADI, throttle) recomputed from the sums (Socorro's view).
-- Web: SELECT ... WHERE product_name = ? AND version_string = ANY(?) AND build_date BETWEEN ? AND ?
-- Read-only.
CREATE OR REPLACE VIEW home_page_graph_build_view AS
SELECT h.product_version_id,
       pv.product_name,
       pv.version_string,
       h.build_date,
       sum(h.report_count) AS report_count,
       sum(h.adu) AS adu,
       crash_hadu(sum(h.report_count), sum(h.adu), coalesce(pbt.throttle, 1.0)) AS crash_hadu,
       round(sum(h.report_count) / coalesce(pbt.throttle, 1.0), 3) AS adjusted_report_count,
       coalesce(pbt.throttle, 1.0) AS throttle,
       pv.featured_version AS is_featured
  FROM home_page_graph_build h
  JOIN product_versions pv ON pv.product_version_id = h.product_version_id
  LEFT JOIN product_build_types pbt ON pbt.product_name = pv.product_name AND pbt.build_type::text = pv.build_type::text
 GROUP BY h.product_version_id, pv.product_name, pv.version_string, h.build_date, pbt.throttle, pv.featured_version;
COMMENT ON VIEW home_page_graph_build_view IS 'Home page graph by build date: crashes and ADI over each build''s first week and crashes per 100 ADI, per version. Read by the home page and /daily (date_range_type=build).';
