-- update_tcbs_ranks(p_first date, p_last date, p_date_range_type text) -> bigint
-- Recomputes tcbs_ranks for the top crashers windows (1, 3, 7, 14 and 28 days) ending on each
-- day from p_first to p_last, by report date (p_date_range_type 'report', from tcbs) or by build
-- date ('build', from tcbs_build), with top_crashers_for's rules, in one set-based pass per end
-- day for every product version, crash type and OS filter:
--   * each window and the previous window of equal length summed per version and signature,
--     for all crashes and per process type (browser, plugin, content);
--   * for each OS filter the measure (all crashes, or that OS's count; zero left out), ranked in
--     both windows (most crashes first, ties by signature in byte order) with the window totals;
--   * the first 500 ranks of the window kept (the page's largest result count), one row per
--     window with the previous rank and measure of each and its counts as arrays in rank order,
--     and the totals of both windows.
-- Records each end day in tcbs_rank_days. Takes its own advisory lock per range type
-- (matview_lock: a concurrent run raises 55P03). Returns the windows (rows) written.
-- enable_nestloop is off: the planner estimates a few hundred rows for the CTEs that hold
-- millions, and a nested loop over them never finishes.
-- Callers: update_tcbs ('report': the windows ending on its day), update_tcbs_build ('build':
-- those ending on its day and 6 days before), revision 1300 (existing data), a DBA ranking again
-- the later end days a rerun of an earlier day dropped. Rerun-safe: replaces the end days.
CREATE OR REPLACE FUNCTION update_tcbs_ranks(p_first date, p_last date, p_date_range_type text)
RETURNS bigint
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET work_mem TO '512MB'
SET jit TO off
SET enable_nestloop TO off
AS $$
DECLARE
    v_day   date;
    v_rows  bigint;
    v_total bigint := 0;
BEGIN
    IF p_first IS NULL OR p_last IS NULL OR p_last < p_first THEN
        RAISE EXCEPTION 'update_tcbs_ranks: bad day range % .. %', p_first, p_last
              USING ERRCODE = 'invalid_parameter_value', HINT = 'Give p_first <= p_last.';
    END IF;
    IF p_date_range_type IS NULL OR p_date_range_type NOT IN ('report', 'build') THEN
        RAISE EXCEPTION 'update_tcbs_ranks: unknown date range type %', p_date_range_type
              USING ERRCODE = 'invalid_parameter_value', HINT = 'Give ''report'' or ''build''.';
    END IF;
    PERFORM matview_lock('update_tcbs_ranks ' || p_date_range_type);
    FOR v_day IN SELECT g::date FROM generate_series(p_first, p_last, interval '1 day') AS g LOOP
        DELETE FROM tcbs_ranks WHERE end_date = v_day AND date_range_type = p_date_range_type;
        INSERT INTO tcbs_ranks (product_version_id, end_date, days, date_range_type, crash_type, os_name,
                                total_crashes, previous_total, signature_ids, previous_ranks, previous_measures,
                                report_counts, win_counts, mac_counts, lin_counts, hang_counts, plugin_counts,
                                content_counts, startup_counts, is_gc_counts)
        -- process types: 1 browser, 2 plugin, 3 content, 4 any other (counted under 'all' only)
        WITH src AS MATERIALIZED (
            SELECT t.product_version_id, t.signature_id, t.process_type, t.report_date AS day, t.report_count,
                   t.win_count, t.mac_count, t.lin_count, t.hang_count, t.startup_count, t.is_gc_count
              FROM tcbs t
             WHERE p_date_range_type = 'report' AND t.report_date > v_day - 56 AND t.report_date <= v_day
            UNION ALL
            SELECT t.product_version_id, t.signature_id, t.process_type, t.build_date, t.report_count,
                   t.win_count, t.mac_count, t.lin_count, t.hang_count, t.startup_count, t.is_gc_count
              FROM tcbs_build t
             WHERE p_date_range_type = 'build' AND t.build_date > v_day - 56 AND t.build_date <= v_day
        ),
        -- the tie-break order (signature text, byte order) as a number, sorted once
        sig_order AS MATERIALIZED (
            SELECT s.signature_id, row_number() OVER (ORDER BY s.signature COLLATE "C")::integer AS pos
              FROM signatures s
             WHERE s.signature_id IN (SELECT DISTINCT src.signature_id FROM src)
        ),
        -- both windows of each length (period 0: the window, 1: the one before) per process type
        typed AS MATERIALIZED (
            SELECT w.days, CASE WHEN src.day > v_day - w.days THEN 0 ELSE 1 END AS period,
                   src.product_version_id, src.signature_id,
                   CASE lower(src.process_type::text) WHEN 'browser' THEN 1 WHEN 'plugin' THEN 2
                                                      WHEN 'content' THEN 3 ELSE 4 END AS pt,
                   sum(src.report_count)::integer AS report_count, sum(src.win_count)::integer AS win_count,
                   sum(src.mac_count)::integer AS mac_count, sum(src.lin_count)::integer AS lin_count,
                   sum(src.hang_count)::integer AS hang_count, sum(src.startup_count)::integer AS startup_count,
                   sum(src.is_gc_count)::integer AS is_gc_count
              FROM src
             CROSS JOIN (VALUES (1), (3), (7), (14), (28)) AS w(days)
             WHERE src.day > v_day - 2 * w.days
             GROUP BY 1, 2, 3, 4, 5
        ),
        -- crash types: 0 all, 1 browser, 2 plugin, 3 content
        sums AS MATERIALIZED (
            SELECT t.days, t.period, t.product_version_id, t.signature_id, t.pt AS ct,
                   t.report_count, t.win_count, t.mac_count, t.lin_count, t.hang_count,
                   CASE WHEN t.pt = 2 THEN t.report_count ELSE 0 END AS plugin_count,
                   CASE WHEN t.pt = 3 THEN t.report_count ELSE 0 END AS content_count,
                   t.startup_count, t.is_gc_count
              FROM typed t
             WHERE t.pt < 4
            UNION ALL
            SELECT t.days, t.period, t.product_version_id, t.signature_id, 0,
                   sum(t.report_count)::integer, sum(t.win_count)::integer, sum(t.mac_count)::integer,
                   sum(t.lin_count)::integer, sum(t.hang_count)::integer,
                   coalesce(sum(t.report_count) FILTER (WHERE t.pt = 2), 0)::integer,
                   coalesce(sum(t.report_count) FILTER (WHERE t.pt = 3), 0)::integer,
                   sum(t.startup_count)::integer, sum(t.is_gc_count)::integer
              FROM typed t
             GROUP BY t.days, t.period, t.product_version_id, t.signature_id
        ),
        -- OS filters: 0 any, 1 Windows, 2 Mac OS X, 3 Linux; each (version, length, crash type,
        -- OS, period) numbered as one bigint so that the ranking sorts narrow rows on 3 keys
        ranked AS MATERIALIZED (
            SELECT r.part, r.product_version_id, r.days, r.ct, r.os, r.period, r.signature_id, r.measure,
                   row_number() OVER (PARTITION BY r.part ORDER BY r.measure DESC, r.pos)::integer AS rank,
                   sum(r.measure) OVER (PARTITION BY r.part) AS total
              FROM (SELECT (((s.product_version_id::bigint * 32 + s.days) * 4 + s.ct) * 4 + m.os) * 2 + s.period AS part,
                           s.product_version_id, s.days, s.ct, m.os, s.period, s.signature_id, m.measure, o.pos
                      FROM sums s
                      JOIN sig_order o ON o.signature_id = s.signature_id
                     CROSS JOIN LATERAL (VALUES (0, s.report_count), (1, s.win_count), (2, s.mac_count),
                                                (3, s.lin_count)) AS m(os, measure)
                     WHERE m.measure > 0) AS r
        )
        -- the arrays are built in rank order from the sorted rows (one sort, not one per array)
        SELECT min(x.product_version_id), v_day, min(x.days), p_date_range_type,
               (ARRAY['all', 'browser', 'plugin', 'content'])[min(x.ct) + 1],
               (ARRAY['any', 'Windows', 'Mac OS X', 'Linux'])[min(x.os) + 1],
               max(x.total), max(x.previous_total), array_agg(x.signature_id), array_agg(x.previous_rank),
               array_agg(x.previous_measure), array_agg(x.report_count), array_agg(x.win_count),
               array_agg(x.mac_count), array_agg(x.lin_count), array_agg(x.hang_count), array_agg(x.plugin_count),
               array_agg(x.content_count), array_agg(x.startup_count), array_agg(x.is_gc_count)
          FROM (SELECT k.part, k.product_version_id, k.days, k.ct, k.os, k.total, k.signature_id,
                       p.total AS previous_total, p.rank AS previous_rank, p.measure AS previous_measure,
                       s.report_count, s.win_count, s.mac_count, s.lin_count, s.hang_count, s.plugin_count,
                       s.content_count, s.startup_count, s.is_gc_count
                  FROM ranked k
                  JOIN sums s
                    ON s.period = 0 AND s.days = k.days AND s.product_version_id = k.product_version_id
                   AND s.signature_id = k.signature_id AND s.ct = k.ct
                  LEFT JOIN ranked p ON p.part = k.part + 1 AND p.signature_id = k.signature_id
                 WHERE k.period = 0 AND k.rank <= 500
                 ORDER BY k.part, k.rank) AS x
         GROUP BY x.part;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        v_total := v_total + v_rows;
        INSERT INTO tcbs_rank_days (end_date, date_range_type, computed_at) VALUES (v_day, p_date_range_type, now())
            ON CONFLICT (end_date, date_range_type) DO UPDATE SET computed_at = excluded.computed_at;
    END LOOP;
    RETURN v_total;
END;
$$;
COMMENT ON FUNCTION update_tcbs_ranks(date, date, text) IS
'Recomputes tcbs_ranks (the top crashers page''s 1/3/7/14/28-day windows by report or build date, per version, crash type and OS filter: one row per window with the first 500 ranks as arrays of signature, previous rank and measure and counts, and both windows'' totals, as top_crashers_for ranks them) for the windows ending on each day of a range and records the days in tcbs_rank_days. Called by update_tcbs, update_tcbs_build and revision 1300; rerun-safe.';
