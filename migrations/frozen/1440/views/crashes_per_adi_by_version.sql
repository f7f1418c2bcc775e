-- crashes_per_adi_by_version: the crashes-per-ADI page (/daily) by version and day: crashes,
-- throttle-adjusted crashes, ADI, crashes per 100 ADI (throttle-corrected; provisional for a day
-- whose ADI has not arrived: adu_provisional, adu_date), throttle.
-- Web: WHERE product_name = ? AND version_string = ANY(?) AND report_date BETWEEN ? AND ?
-- Read-only.
CREATE OR REPLACE VIEW crashes_per_adi_by_version AS
SELECT h.product_name, h.version_string, h.report_date, h.report_count, h.adjusted_report_count, h.adu,
       h.crash_hadu, h.throttle, h.is_featured, h.version_sort, h.adu_provisional, h.adu_date
  FROM home_page_graph_view h;
COMMENT ON VIEW crashes_per_adi_by_version IS 'Crashes per ADI by version and day (home_page_graph): crashes, adjusted crashes, ADI, crashes per 100 ADI, throttle. Read by /daily; read-only.';
