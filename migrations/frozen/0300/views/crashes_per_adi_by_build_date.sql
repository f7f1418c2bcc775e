-- crashes_per_adi_by_build_date: the crashes-per-ADI page by build date (date_range_type=build):
-- per version and build date, crashes and ADI of the build's first week, crashes per 100 ADI.
-- Web: WHERE product_name = ? AND version_string = ANY(?) AND build_date BETWEEN ? AND ?
-- Read-only.
CREATE OR REPLACE VIEW crashes_per_adi_by_build_date AS
SELECT h.product_name, h.version_string, h.build_date, h.report_count, h.adjusted_report_count, h.adu,
       h.crash_hadu, h.throttle, h.is_featured
  FROM home_page_graph_build_view h;
COMMENT ON VIEW crashes_per_adi_by_build_date IS 'Crashes per ADI by version and build date (first week of each build): crashes, adjusted crashes, ADI, crashes per 100 ADI, throttle. Read by /daily; read-only.';
