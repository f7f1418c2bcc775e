-- top_crashers_for(p_product_version_id, p_end_date, p_days, p_crash_type, p_os_name, p_date_range_type)
--   -> TABLE (rank, previous_rank, rank_change, is_new, signature_id, signature, report_count, ...)
-- The top crashers of one product version over the p_days days ending on p_end_date, from
-- tcbs (p_date_range_type 'report': by crash day) or tcbs_build ('build': by build date):
--   * p_crash_type 'all', or a process type ('browser', 'plugin', 'content') to keep;
--   * p_os_name 'any', or 'Windows' / 'Mac OS X' / 'Linux': rank and share by that OS's count
--     (signatures without crashes there are left out);
--   * rank (1 = most crashes; ties by signature) and share of the window's total, and the same
--     for the previous window of equal length: rank_change = previous - current (NULL and
--     is_new when the signature had no crash then), percent_change;
--   * per-OS, hang, plugin, content, startup (uptime < 1 min, also as a share) and GC counts,
--     the signature's first report, its versions in the product (signature_products_rollup)
--     and the bugs that mention it.
-- Callers: the top_crashers view (which the top crashers page reads). Read-only.
CREATE OR REPLACE FUNCTION top_crashers_for(
    p_product_version_id integer,
    p_end_date date,
    p_days integer,
    p_crash_type text,
    p_os_name text,
    p_date_range_type text
)
RETURNS TABLE (
    rank bigint,
    previous_rank bigint,
    rank_change bigint,
    is_new boolean,
    signature_id integer,
    signature text,
    report_count bigint,
    percent_of_total numeric,
    previous_percent_of_total numeric,
    percent_change numeric,
    win_count bigint,
    mac_count bigint,
    lin_count bigint,
    hang_count bigint,
    plugin_count bigint,
    content_count bigint,
    startup_count bigint,
    startup_percent numeric,
    is_gc_count bigint,
    total_crashes bigint,
    first_report timestamptz,
    versions text[],
    versions_count integer,
    bug_ids integer[]
)
LANGUAGE sql STABLE
AS $$
    WITH crash_rows AS (
        SELECT CASE WHEN t.report_date > p_end_date - p_days THEN 0 ELSE 1 END AS period, t.signature_id,
               t.process_type, t.report_count, t.win_count, t.mac_count, t.lin_count, t.hang_count,
               t.startup_count, t.is_gc_count
          FROM tcbs t
         WHERE p_date_range_type = 'report' AND t.product_version_id = p_product_version_id
           AND t.report_date > p_end_date - 2 * p_days AND t.report_date <= p_end_date
        UNION ALL
        SELECT CASE WHEN t.build_date > p_end_date - p_days THEN 0 ELSE 1 END, t.signature_id,
               t.process_type, t.report_count, t.win_count, t.mac_count, t.lin_count, t.hang_count,
               t.startup_count, t.is_gc_count
          FROM tcbs_build t
         WHERE p_date_range_type = 'build' AND t.product_version_id = p_product_version_id
           AND t.build_date > p_end_date - 2 * p_days AND t.build_date <= p_end_date
    ),
    agg AS (
        SELECT r.period, r.signature_id,
               sum(r.report_count) AS report_count, sum(r.win_count) AS win_count,
               sum(r.mac_count) AS mac_count, sum(r.lin_count) AS lin_count, sum(r.hang_count) AS hang_count,
               coalesce(sum(r.report_count) FILTER (WHERE r.process_type = 'plugin'), 0) AS plugin_count,
               coalesce(sum(r.report_count) FILTER (WHERE r.process_type = 'content'), 0) AS content_count,
               sum(r.startup_count) AS startup_count, sum(r.is_gc_count) AS is_gc_count
          FROM crash_rows r
         WHERE p_crash_type = 'all' OR r.process_type = p_crash_type
         GROUP BY r.period, r.signature_id
    ),
    measured AS (
        SELECT a.*, s.signature, s.first_report,
               CASE p_os_name WHEN 'Windows' THEN a.win_count WHEN 'Mac OS X' THEN a.mac_count
                              WHEN 'Linux' THEN a.lin_count ELSE a.report_count END AS measure
          FROM agg a JOIN signatures s ON s.signature_id = a.signature_id
    ),
    ranked AS (
        SELECT m.*,
               row_number() OVER (PARTITION BY m.period ORDER BY m.measure DESC, m.signature COLLATE "C") AS rank,
               sum(m.measure) OVER (PARTITION BY m.period) AS total
          FROM measured m
         WHERE m.measure > 0
    ),
    -- both windows side by side in one pass (joining the ranked rows to themselves is quadratic)
    paired AS (
        SELECT r.signature_id, max(r.signature) AS signature, max(r.first_report) AS first_report,
               max(r.rank) FILTER (WHERE r.period = 0) AS rank,
               max(r.rank) FILTER (WHERE r.period = 1) AS previous_rank,
               max(r.measure) FILTER (WHERE r.period = 0) AS measure,
               max(r.measure) FILTER (WHERE r.period = 1) AS previous_measure,
               max(r.total) FILTER (WHERE r.period = 0) AS total,
               max(r.total) FILTER (WHERE r.period = 1) AS previous_total,
               max(r.report_count) FILTER (WHERE r.period = 0) AS report_count,
               max(r.win_count) FILTER (WHERE r.period = 0) AS win_count,
               max(r.mac_count) FILTER (WHERE r.period = 0) AS mac_count,
               max(r.lin_count) FILTER (WHERE r.period = 0) AS lin_count,
               max(r.hang_count) FILTER (WHERE r.period = 0) AS hang_count,
               max(r.plugin_count) FILTER (WHERE r.period = 0) AS plugin_count,
               max(r.content_count) FILTER (WHERE r.period = 0) AS content_count,
               max(r.startup_count) FILTER (WHERE r.period = 0) AS startup_count,
               max(r.is_gc_count) FILTER (WHERE r.period = 0) AS is_gc_count
          FROM ranked r
         GROUP BY r.signature_id
    )
    SELECT p.rank, p.previous_rank, p.previous_rank - p.rank, p.previous_rank IS NULL, p.signature_id,
           p.signature, p.report_count::bigint,
           round(p.measure::numeric / p.total, 5),
           round(p.previous_measure::numeric / p.previous_total, 5),
           round(p.measure::numeric / p.total - p.previous_measure::numeric / p.previous_total, 5),
           p.win_count::bigint, p.mac_count::bigint, p.lin_count::bigint, p.hang_count::bigint,
           p.plugin_count::bigint, p.content_count::bigint, p.startup_count::bigint,
           round(p.startup_count::numeric / nullif(p.report_count, 0), 5),
           p.is_gc_count::bigint, p.total::bigint, p.first_report,
           coalesce(spr.version_list, '{}'), coalesce(spr.ver_count, 0),
           coalesce((SELECT array_agg(b.bug_id ORDER BY b.bug_id) FROM bug_associations b
                      WHERE b.signature = p.signature), '{}')
      FROM paired p
      LEFT JOIN signature_products_rollup spr
        ON spr.signature_id = p.signature_id
       AND spr.product_name = (SELECT pv.product_name FROM product_versions pv
                                WHERE pv.product_version_id = p_product_version_id)
     WHERE p.rank IS NOT NULL
$$;
COMMENT ON FUNCTION top_crashers_for(integer, date, integer, text, text, text) IS
'Top crashers of a version over a window (by report or build date, crash type and OS filter) with ranks, shares and their change against the previous window, per-OS/hang/plugin/content/startup/GC counts, first report, versions and bugs. Read by the top_crashers view; read-only.';
