-- update_home_page_graph(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- The home page graph for the UTC day, per product version: crashes of crash types counted in
-- aggregates (crash_types.include_agg, which leaves out the plugin half of a hang pair) inside
-- the version's window, the version's ADI (all OSes), and crash_hadu = crashes x 100 / ADI /
-- throttle (product_build_types). Every version with product_adu rows for the day gets a row
-- (0 crashes when it had none). Rapid-beta parents: sums of their betas, with the beta
-- channel's throttle (Socorro used 1).
-- Needs reports_clean and update_adu for the day. Returns false when already done
-- (checkdata); otherwise replaces the day.
-- Callers: the home-page-graph job (daily), backfill_home_page_graph, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_home_page_graph(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET work_mem TO '256MB'
AS $$
DECLARE
    v_start timestamptz := updateday::timestamp AT TIME ZONE 'UTC';
    v_end   timestamptz := (updateday + 1)::timestamp AT TIME ZONE 'UTC';
    v_rows  bigint;
BEGIN
    IF NOT matview_begin('update_home_page_graph', updateday, checkdata, check_period, 'reports_clean', 'update_adu') THEN
        RETURN false;
    END IF;
    DELETE FROM home_page_graph WHERE report_date = updateday;

    INSERT INTO home_page_graph (product_version_id, report_date, report_count, adu, crash_hadu)
    WITH counts AS (
        SELECT rc.product_version_id, count(*) AS report_count
          FROM reports_clean rc
          JOIN product_versions pv ON pv.product_version_id = rc.product_version_id
          JOIN crash_types ct ON ct.process_type = rc.process_type AND ct.has_hang_id = (rc.hang_id IS NOT NULL)
         WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
           AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)
           AND ct.include_agg
         GROUP BY rc.product_version_id
    ),
    adu AS (
        SELECT a.product_version_id, sum(a.adu_count) AS adu
          FROM product_adu a WHERE a.adu_date = updateday GROUP BY a.product_version_id
    )
    SELECT pv.product_version_id, updateday, coalesce(c.report_count, 0), coalesce(a.adu, 0),
           crash_hadu(coalesce(c.report_count, 0), coalesce(a.adu, 0), pbt.throttle)
      FROM adu a
      FULL JOIN counts c ON c.product_version_id = a.product_version_id
      JOIN product_versions pv ON pv.product_version_id = coalesce(a.product_version_id, c.product_version_id)
      LEFT JOIN product_build_types pbt ON pbt.product_name = pv.product_name
                                       AND pbt.build_type::text = pv.build_type::text;
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    INSERT INTO home_page_graph (product_version_id, report_date, report_count, adu, crash_hadu)
    SELECT pv.rapid_beta_id, updateday, sum(h.report_count), sum(h.adu),
           crash_hadu(sum(h.report_count), sum(h.adu), pbt.throttle)
      FROM home_page_graph h
      JOIN product_versions pv ON pv.product_version_id = h.product_version_id
      JOIN product_versions parent ON parent.product_version_id = pv.rapid_beta_id
      LEFT JOIN product_build_types pbt ON pbt.product_name = parent.product_name AND pbt.build_type = 'beta'
     WHERE h.report_date = updateday AND pv.rapid_beta_id IS NOT NULL
     GROUP BY pv.rapid_beta_id, pbt.throttle;

    RETURN matview_finish('update_home_page_graph', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_home_page_graph(date, boolean, interval) IS
'Fills home_page_graph for a day: crashes (include_agg crash types), ADI and throttle-corrected crashes per 100 ADI per version, plus rapid-beta parent sums. Home-page-graph job / backfill_matviews; needs reports_clean and update_adu; replaces the day, rerun-safe.';
