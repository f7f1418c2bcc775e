-- explosive_signatures: the explosive signatures page: per day (last_date), version and
-- signature, the one-day and three-day explosiveness scores and the crashes per million ADI
-- of the 10 days ending then (day0 = last_date).
-- Web: WHERE last_date = ? [AND product_name = ?] ORDER BY score DESC NULLS LAST LIMIT ?
-- (an index on (last_date, score) serves that order)
-- Read-only.
CREATE OR REPLACE VIEW explosive_signatures AS
SELECT e.last_date, pv.product_name, pv.version_string, s.signature, e.signature_id,
       greatest(e.oneday, e.threeday) AS score, e.oneday, e.threeday,
       e.day0, e.day1, e.day2, e.day3, e.day4, e.day5, e.day6, e.day7, e.day8, e.day9
  FROM explosiveness e
  JOIN product_versions pv ON pv.product_version_id = e.product_version_id
  JOIN signatures s ON s.signature_id = e.signature_id;
COMMENT ON VIEW explosive_signatures IS 'Explosive signatures per day and version: one-day and three-day scores and the last 10 days'' crashes per million ADI. Read by the explosive page; read-only.';
