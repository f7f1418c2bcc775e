-- gccrashes_report: the GC crashes page: per nightly version and date range, each build's
-- garbage-collection crashes per million ADI.
-- Web: SELECT * FROM gccrashes_report WHERE product_name = ? AND version_string = ?
--        AND start_date = ? AND end_date = ? ORDER BY build;
-- Read-only.
CREATE OR REPLACE VIEW gccrashes_report AS
SELECT pv.product_name, pv.version_string, w.start_date, w.end_date, x.*
  FROM product_versions pv
 CROSS JOIN report_windows w
 CROSS JOIN LATERAL gccrashes_for(pv.product_version_id, w.start_date, w.end_date) AS x;
COMMENT ON VIEW gccrashes_report IS 'GC crashes page: per version and date range, crashes during garbage collection per build, with ADI and crashes per million ADI. Read-only.';
