-- top_crashers: the top crashers page, one row per signature, for every product version, window
-- end (end_date), window length (days: 1, 3, 7, 14, 28), crash type ('all', 'browser',
-- 'plugin', 'content'), OS ('any', 'Windows', 'Mac OS X', 'Linux') and date_range_type
-- ('report', 'build'). The page reads it with filters on all of those and orders by rank:
--   SELECT * FROM top_crashers WHERE product_name = 'KillerApp' AND version_string = '40.0'
--      AND end_date = '2026-11-20' AND days = 7 AND crash_type = 'all' AND os_name = 'any'
--      AND date_range_type = 'report' ORDER BY rank LIMIT 100;
-- End days the daily chain has ranked (tcbs_rank_days) are read from tcbs_ranks: the first 500
-- ranks (the page's largest result count) unnested from the window's row, shares computed as
-- top_crashers_for does, the signature's name, first report, versions and bugs looked up as
-- they are now. Other end days are computed from tcbs / tcbs_build by
-- top_crashers_for (every rank), with the same result. Each filter narrows its own dimension, so
-- leave none out. A filter rank <= N beside ORDER BY rank LIMIT N gives the same rows and lets
-- the stored path look up only the first N signatures. End days run from 2000-01-01 to
-- 2099-12-31 (calendar_days). Read-only.
CREATE OR REPLACE VIEW top_crashers AS
SELECT pv.product_name, pv.version_string, pv.product_version_id, w.end_date, d.days, ct.crash_type,
       os.os_name, rt.date_range_type, t.*
  FROM product_versions pv
 CROSS JOIN (SELECT c.day AS end_date FROM calendar_days c) AS w
 CROSS JOIN (VALUES (1), (3), (7), (14), (28)) AS d(days)
 CROSS JOIN (VALUES ('all'), ('browser'), ('plugin'), ('content')) AS ct(crash_type)
 CROSS JOIN (VALUES ('any'), ('Windows'), ('Mac OS X'), ('Linux')) AS os(os_name)
 CROSS JOIN (VALUES ('report'), ('build')) AS rt(date_range_type)
 CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM tcbs_rank_days rd
                                     WHERE rd.end_date = w.end_date AND rd.date_range_type = rt.date_range_type)
                            AS ready) AS pre
 CROSS JOIN LATERAL (
        SELECT u.rank, u.previous_rank::bigint AS previous_rank,
               (u.previous_rank - u.rank)::bigint AS rank_change, u.previous_rank IS NULL AS is_new,
               u.signature_id, s.signature, u.report_count::bigint AS report_count,
               round(m.measure::numeric / r.total_crashes, 5) AS percent_of_total,
               round(u.previous_measure::numeric / r.previous_total, 5) AS previous_percent_of_total,
               round(m.measure::numeric / r.total_crashes - u.previous_measure::numeric / r.previous_total, 5)
                   AS percent_change,
               u.win_count::bigint AS win_count, u.mac_count::bigint AS mac_count,
               u.lin_count::bigint AS lin_count, u.hang_count::bigint AS hang_count,
               u.plugin_count::bigint AS plugin_count, u.content_count::bigint AS content_count,
               u.startup_count::bigint AS startup_count,
               round(u.startup_count::numeric / nullif(u.report_count, 0), 5) AS startup_percent,
               u.is_gc_count::bigint AS is_gc_count, r.total_crashes, s.first_report,
               coalesce(spr.version_list, '{}') AS versions, coalesce(spr.ver_count, 0) AS versions_count,
               coalesce((SELECT array_agg(b.bug_id ORDER BY b.bug_id) FROM bug_associations b
                          WHERE b.signature = s.signature), '{}') AS bug_ids
          FROM tcbs_ranks r
         CROSS JOIN LATERAL unnest(r.signature_ids, r.previous_ranks, r.previous_measures, r.report_counts,
                                   r.win_counts, r.mac_counts, r.lin_counts, r.hang_counts, r.plugin_counts,
                                   r.content_counts, r.startup_counts, r.is_gc_counts)
               WITH ORDINALITY AS u(signature_id, previous_rank, previous_measure, report_count, win_count,
                                    mac_count, lin_count, hang_count, plugin_count, content_count,
                                    startup_count, is_gc_count, rank)
         CROSS JOIN LATERAL (SELECT CASE r.os_name WHEN 'Windows' THEN u.win_count WHEN 'Mac OS X' THEN u.mac_count
                                                   WHEN 'Linux' THEN u.lin_count ELSE u.report_count END
                                    AS measure) AS m
          JOIN signatures s ON s.signature_id = u.signature_id
          LEFT JOIN signature_products_rollup spr
            ON spr.signature_id = u.signature_id AND spr.product_name = pv.product_name
         WHERE pre.ready
           AND r.product_version_id = pv.product_version_id AND r.end_date = w.end_date
           AND r.days = d.days AND r.crash_type = ct.crash_type AND r.os_name = os.os_name
           AND r.date_range_type = rt.date_range_type
        UNION ALL
        SELECT f.*
          FROM top_crashers_for(pv.product_version_id, w.end_date, d.days, ct.crash_type, os.os_name,
                                rt.date_range_type) AS f
         WHERE NOT pre.ready
 ) AS t;
COMMENT ON VIEW top_crashers IS 'Top crashers page: per version, window (end_date, days), crash type, OS and report/build date range, each signature''s rank, share, change against the previous window and detail counts; the end days the daily chain ranked read tcbs_ranks (first 500 ranks), others are computed (top_crashers_for). Filter on every dimension; read-only.';
