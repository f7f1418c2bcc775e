-- signature_history: a signature's crashes per day in a product version and its share of the
-- version's crashes that day (from tcbs): the signature report's history graph.
-- Web: WHERE product_name = ? AND version_string = ? AND signature = ? AND report_date BETWEEN ? AND ?
-- Read-only.
CREATE OR REPLACE VIEW signature_history AS
SELECT pv.product_name, pv.version_string, s.signature, t.signature_id, t.report_date,
       t.report_count, round(t.report_count::numeric / nullif(d.total, 0), 5) AS percent_of_total
  FROM (SELECT tc.product_version_id, tc.signature_id, tc.report_date, sum(tc.report_count) AS report_count
          FROM tcbs tc GROUP BY tc.product_version_id, tc.signature_id, tc.report_date) AS t
  JOIN (SELECT tc.product_version_id, tc.report_date, sum(tc.report_count) AS total
          FROM tcbs tc GROUP BY tc.product_version_id, tc.report_date) AS d
    ON d.product_version_id = t.product_version_id AND d.report_date = t.report_date
  JOIN product_versions pv ON pv.product_version_id = t.product_version_id
  JOIN signatures s ON s.signature_id = t.signature_id;
COMMENT ON VIEW signature_history IS 'Per version, signature and day: crashes and share of the version''s crashes that day. Read by the signature report; read-only.';
