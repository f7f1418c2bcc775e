-- live_delta_home_page_graph() -> integer
-- Applies the live reports' changes (the temporary table live_delta of update_reports_live:
-- reports_clean rows with sign +1 as now counted, -1 as counted before) to home_page_graph with
-- update_home_page_graph's rules: crashes of crash types counted in aggregates (include_agg)
-- inside their version's window, per version and UTC day. A new row takes the version's ADI of
-- the day as far as update_adu has loaded it (0 for a day whose ADI has not arrived: the pages
-- then show a provisional rate, home_page_graph_view); crash_hadu is recomputed for every
-- changed row; a row left with no crash and no ADI goes; rapid-beta parents are summed again
-- from their betas. update_home_page_graph(day) recomputed from scratch gives the same rows.
-- Callers: update_reports_live only. Adds, so rerun-safe only as part of it.
CREATE OR REPLACE FUNCTION live_delta_home_page_graph()
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_rows integer;
BEGIN
    CREATE TEMP TABLE live_hpg ON COMMIT DROP AS
    SELECT d.product_version_id, (d.date_processed AT TIME ZONE 'UTC')::date AS report_date,
           sum(d.sign)::integer AS delta, pv.rapid_beta_id
      FROM live_delta d
      JOIN product_versions pv ON pv.product_version_id = d.product_version_id
      JOIN crash_types ct ON ct.process_type = d.process_type AND ct.has_hang_id = (d.hang_id IS NOT NULL)
     WHERE tstz_between(d.date_processed, pv.build_date, pv.sunset_date) AND ct.include_agg
     GROUP BY 1, 2, 4
    HAVING sum(d.sign) <> 0;

    INSERT INTO home_page_graph AS h (product_version_id, report_date, report_count, adu, crash_hadu)
    SELECT l.product_version_id, l.report_date, l.delta,
           coalesce((SELECT sum(a.adu_count) FROM product_adu a
                      WHERE a.product_version_id = l.product_version_id AND a.adu_date = l.report_date), 0),
           0
      FROM live_hpg l
    ON CONFLICT (product_version_id, report_date) DO UPDATE SET report_count = h.report_count + EXCLUDED.report_count;
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    UPDATE home_page_graph h SET crash_hadu = crash_hadu(h.report_count, h.adu, pbt.throttle)
      FROM live_hpg l
      JOIN product_versions pv ON pv.product_version_id = l.product_version_id
      LEFT JOIN product_build_types pbt ON pbt.product_name = pv.product_name
                                       AND pbt.build_type::text = pv.build_type::text
     WHERE h.product_version_id = l.product_version_id AND h.report_date = l.report_date;

    DELETE FROM home_page_graph h
     USING live_hpg l
     WHERE h.product_version_id = l.product_version_id AND h.report_date = l.report_date AND h.report_count = 0
       AND NOT EXISTS (SELECT 1 FROM product_adu a
                        WHERE a.product_version_id = h.product_version_id AND a.adu_date = h.report_date);

    -- rapid-beta parents: the sums of their betas' rows, as update_home_page_graph writes them
    DELETE FROM home_page_graph h
     USING (SELECT DISTINCT l.rapid_beta_id, l.report_date FROM live_hpg l WHERE l.rapid_beta_id IS NOT NULL) AS p
     WHERE h.product_version_id = p.rapid_beta_id AND h.report_date = p.report_date;
    INSERT INTO home_page_graph (product_version_id, report_date, report_count, adu, crash_hadu)
    SELECT p.rapid_beta_id, p.report_date, sum(h.report_count), sum(h.adu),
           crash_hadu(sum(h.report_count), sum(h.adu), pbt.throttle)
      FROM (SELECT DISTINCT l.rapid_beta_id, l.report_date FROM live_hpg l WHERE l.rapid_beta_id IS NOT NULL) AS p
      JOIN product_versions parent ON parent.product_version_id = p.rapid_beta_id
      JOIN product_versions pv ON pv.rapid_beta_id = p.rapid_beta_id
      JOIN home_page_graph h ON h.product_version_id = pv.product_version_id AND h.report_date = p.report_date
      LEFT JOIN product_build_types pbt ON pbt.product_name = parent.product_name AND pbt.build_type = 'beta'
     GROUP BY p.rapid_beta_id, p.report_date, pbt.throttle;

    DROP TABLE pg_temp.live_hpg;
    RETURN v_rows;
END;
$$;
COMMENT ON FUNCTION live_delta_home_page_graph() IS
'Adds the live reports'' changes (temporary table live_delta) to home_page_graph with update_home_page_graph''s rules: counts per version and day, the ADI update_adu has loaded, crash_hadu, rapid-beta parents. Called by update_reports_live; adds, so only as part of it.';
