-- live_delta_tcbs() -> integer
-- Applies the live reports' changes to tcbs: update_reports_live fills the temporary table
-- live_delta with the reports_clean rows of the crashes it counted, each with sign +1 (as now
-- written) or -1 (as counted before: a crash processed again, or re-resolved), and this adds
-- their sum per (signature, day, product version, process type, channel) to tcbs, with
-- update_tcbs's rules: rows inside their version's [build_date, sunset_date] window, the OS,
-- hang, startup and garbage-collection counts, and rapid-beta parents summed from their betas.
-- A row whose count falls to 0 goes (update_tcbs writes none). The top crashers windows that
-- contain a changed day and were pre-ranked (tcbs_rank_days) go back to being computed when read.
-- update_tcbs(day) recomputed from scratch gives the same rows (tests/reports/test_live_reports.py).
-- Callers: update_reports_live only. Rerun-safe only as part of it (it adds).
CREATE OR REPLACE FUNCTION live_delta_tcbs()
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_rows integer;
BEGIN
    CREATE TEMP TABLE live_tcbs ON COMMIT DROP AS
    WITH rows AS (
        SELECT d.signature_id, (d.date_processed AT TIME ZONE 'UTC')::date AS report_date, d.product_version_id,
               d.process_type, d.release_channel, d.build_type, pv.rapid_beta_id,
               sum(d.sign)::integer AS report_count,
               sum(d.sign) FILTER (WHERE d.os_name = 'Windows')::integer AS win_count,
               sum(d.sign) FILTER (WHERE d.os_name = 'Mac OS X')::integer AS mac_count,
               sum(d.sign) FILTER (WHERE d.os_name = 'Linux')::integer AS lin_count,
               sum(d.sign) FILTER (WHERE d.hang_id IS NOT NULL)::integer AS hang_count,
               sum(d.sign) FILTER (WHERE d.uptime < interval '1 minute')::integer AS startup_count,
               sum(d.sign) FILTER (WHERE d.is_gc)::integer AS is_gc_count
          FROM live_delta d
          JOIN product_versions pv ON pv.product_version_id = d.product_version_id
         WHERE tstz_between(d.date_processed, pv.build_date, pv.sunset_date)
         GROUP BY 1, 2, 3, 4, 5, 6, 7
    )
    SELECT r.signature_id, r.report_date, r.product_version_id, r.process_type, r.release_channel, r.build_type,
           r.report_count, coalesce(r.win_count, 0) AS win_count, coalesce(r.mac_count, 0) AS mac_count,
           coalesce(r.lin_count, 0) AS lin_count, coalesce(r.hang_count, 0) AS hang_count,
           coalesce(r.startup_count, 0) AS startup_count, coalesce(r.is_gc_count, 0) AS is_gc_count
      FROM rows r
    UNION ALL
    SELECT r.signature_id, r.report_date, r.rapid_beta_id, r.process_type, r.release_channel, r.build_type,
           sum(r.report_count), sum(coalesce(r.win_count, 0)), sum(coalesce(r.mac_count, 0)),
           sum(coalesce(r.lin_count, 0)), sum(coalesce(r.hang_count, 0)), sum(coalesce(r.startup_count, 0)),
           sum(coalesce(r.is_gc_count, 0))
      FROM rows r
     WHERE r.rapid_beta_id IS NOT NULL
     GROUP BY r.signature_id, r.report_date, r.rapid_beta_id, r.process_type, r.release_channel, r.build_type;

    INSERT INTO tcbs AS t (signature_id, report_date, product_version_id, process_type, release_channel,
                           report_count, win_count, mac_count, lin_count, hang_count, startup_count,
                           is_gc_count, build_type)
    SELECT l.signature_id, l.report_date, l.product_version_id, l.process_type, l.release_channel,
           sum(l.report_count), sum(l.win_count), sum(l.mac_count), sum(l.lin_count), sum(l.hang_count),
           sum(l.startup_count), sum(l.is_gc_count), l.build_type
      FROM live_tcbs l
     GROUP BY l.signature_id, l.report_date, l.product_version_id, l.process_type, l.release_channel, l.build_type
    HAVING bool_or(l.report_count <> 0 OR l.win_count <> 0 OR l.mac_count <> 0 OR l.lin_count <> 0
                   OR l.hang_count <> 0 OR l.startup_count <> 0 OR l.is_gc_count <> 0)
    ON CONFLICT (signature_id, report_date, product_version_id, process_type, release_channel) DO UPDATE
       SET report_count = t.report_count + EXCLUDED.report_count,
           win_count = t.win_count + EXCLUDED.win_count,
           mac_count = t.mac_count + EXCLUDED.mac_count,
           lin_count = t.lin_count + EXCLUDED.lin_count,
           hang_count = t.hang_count + EXCLUDED.hang_count,
           startup_count = t.startup_count + EXCLUDED.startup_count,
           is_gc_count = t.is_gc_count + EXCLUDED.is_gc_count;
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    DELETE FROM tcbs t
     USING (SELECT DISTINCT l.signature_id, l.report_date, l.product_version_id, l.process_type, l.release_channel
              FROM live_tcbs l) AS k
     WHERE t.signature_id = k.signature_id AND t.report_date = k.report_date
       AND t.product_version_id = k.product_version_id AND t.process_type = k.process_type
       AND t.release_channel = k.release_channel AND t.report_count <= 0;

    -- pre-ranked windows containing a changed day: computed when read from now on
    DELETE FROM tcbs_ranks r
     USING (SELECT DISTINCT l.report_date FROM live_tcbs l) AS k
     WHERE r.date_range_type = 'report' AND r.end_date >= k.report_date AND r.end_date <= k.report_date + 55;
    DELETE FROM tcbs_rank_days r
     USING (SELECT DISTINCT l.report_date FROM live_tcbs l) AS k
     WHERE r.date_range_type = 'report' AND r.end_date >= k.report_date AND r.end_date <= k.report_date + 55;

    DROP TABLE pg_temp.live_tcbs;
    RETURN v_rows;
END;
$$;
COMMENT ON FUNCTION live_delta_tcbs() IS
'Adds the live reports'' changes (temporary table live_delta: reports_clean rows with sign +1/-1) to tcbs with update_tcbs''s rules, drops rows that fall to 0, and un-ranks the top crashers windows containing a changed day. Called by update_reports_live; adds, so only as part of it.';
