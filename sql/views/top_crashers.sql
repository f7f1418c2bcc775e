-- top_crashers: the top crashers page, one row per signature, for every product version, window
-- end (end_date), window length (days: 1, 3, 7, 14, 28), crash type ('all', 'browser',
-- 'plugin', 'content'), OS ('any', 'Windows', 'Mac OS X', 'Linux') and date_range_type
-- ('report', 'build'). The page reads it with filters on all of those and orders by rank:
--   SELECT * FROM top_crashers WHERE product_name = 'KillerApp' AND version_string = '40.0'
--      AND end_date = '2026-11-20' AND days = 7 AND crash_type = 'all' AND os_name = 'any'
--      AND date_range_type = 'report' ORDER BY rank LIMIT 100;
-- Each filter narrows its own dimension before top_crashers_for computes the one window asked
-- for, so leave none out. Read-only.
CREATE OR REPLACE VIEW top_crashers AS
SELECT pv.product_name, pv.version_string, pv.product_version_id, w.end_date, d.days, ct.crash_type,
       os.os_name, rt.date_range_type, t.*
  FROM product_versions pv
 CROSS JOIN (SELECT g::date AS end_date
               FROM generate_series(date '2000-01-01', current_date + 1, interval '1 day') AS g) AS w
 CROSS JOIN (VALUES (1), (3), (7), (14), (28)) AS d(days)
 CROSS JOIN (VALUES ('all'), ('browser'), ('plugin'), ('content')) AS ct(crash_type)
 CROSS JOIN (VALUES ('any'), ('Windows'), ('Mac OS X'), ('Linux')) AS os(os_name)
 CROSS JOIN (VALUES ('report'), ('build')) AS rt(date_range_type)
 CROSS JOIN LATERAL top_crashers_for(pv.product_version_id, w.end_date, d.days, ct.crash_type, os.os_name,
                                     rt.date_range_type) AS t;
COMMENT ON VIEW top_crashers IS 'Top crashers page: per version, window (end_date, days), crash type, OS and report/build date range, each signature''s rank, share, change against the previous window and detail counts. Filter on every dimension; read-only.';
