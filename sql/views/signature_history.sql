-- signature_history: a signature's crashes per day in a product version and its share of the
-- version's crashes that day (all report types, from crashes_by_user): the signature report's
-- history graph. The version and signature filters narrow product_versions and signatures
-- first; the day's counts are then read through tcbs's primary key.
-- Web: WHERE product_name = ? AND version_string = ? AND signature = ? AND report_date BETWEEN ? AND ?
-- Read-only.
CREATE OR REPLACE VIEW signature_history AS
SELECT pv.product_name, pv.version_string, s.signature, s.signature_id, t.report_date, t.report_count,
       round(t.report_count::numeric / nullif(d.total, 0), 5) AS percent_of_total
  FROM product_versions pv
 CROSS JOIN signatures s
 CROSS JOIN LATERAL (
     SELECT tc.report_date, sum(tc.report_count) AS report_count
       FROM tcbs tc
      WHERE tc.signature_id = s.signature_id AND tc.product_version_id = pv.product_version_id
      GROUP BY tc.report_date
 ) AS t
 CROSS JOIN LATERAL (
     SELECT sum(c.report_count) AS total
       FROM crashes_by_user c
      WHERE c.product_version_id = pv.product_version_id AND c.report_date = t.report_date
 ) AS d;
COMMENT ON VIEW signature_history IS 'Per version, signature and day: crashes and share of the version''s crashes that day. Filter version and signature; read by the signature report; read-only.';
