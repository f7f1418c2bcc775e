-- topcrasher_ranks_by_bug: for each bug, the rank of each of its signatures in each product
-- version on the day rank_compare holds (/topcrasher_ranks_bybug/).
-- Web: WHERE bug_id = ? ORDER BY product_name, version_string
-- Read-only.
CREATE OR REPLACE VIEW topcrasher_ranks_by_bug AS
SELECT b.bug_id, b.signature, pv.product_name, pv.version_string, r.report_date, r.rank_days,
       r.rank_report_count AS rank, r.report_count, r.total_reports, r.percent_of_total
  FROM bug_associations b
  JOIN signatures s ON s.signature = b.signature
  JOIN rank_compare r ON r.signature_id = s.signature_id
  JOIN product_versions pv ON pv.product_version_id = r.product_version_id;
COMMENT ON VIEW topcrasher_ranks_by_bug IS 'Each bug''s signatures with their rank, crashes and share per product version (rank_compare''s day). Read-only.';
