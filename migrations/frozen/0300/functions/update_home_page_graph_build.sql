-- update_home_page_graph_build(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- home_page_graph per build date for the UTC day: crashes (include_agg crash types) of
-- nightly and aurora versions and rapid betas (under their parent) from builds in their first
-- 7 days, beside build_adu summed over OSes. Rows for every (version, build date) with build
-- ADI or crashes; home_page_graph_build_view computes crash_hadu.
-- Needs reports_clean and update_build_adu for the day. Returns false when already done
-- (checkdata); otherwise replaces the day.
-- Callers: the home-page-graph-build job (daily), backfill_home_page_graph_build,
-- backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_home_page_graph_build(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
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
    IF NOT matview_begin('update_home_page_graph_build', updateday, checkdata, check_period,
                         'reports_clean', 'update_build_adu') THEN
        RETURN false;
    END IF;
    DELETE FROM home_page_graph_build WHERE report_date = updateday;

    INSERT INTO home_page_graph_build (product_version_id, build_date, report_date, report_count, adu)
    WITH day_builds AS MATERIALIZED (
        SELECT b.build, build_date(b.build) AS build_date
          FROM (SELECT DISTINCT rc.build FROM reports_clean rc
                 WHERE rc.date_processed >= v_start AND rc.date_processed < v_end AND rc.build IS NOT NULL) AS b
    ),
    counts AS (
        SELECT coalesce(pv.rapid_beta_id, pv.product_version_id) AS product_version_id,
               db.build_date, count(*) AS report_count
          FROM reports_clean rc
          JOIN product_versions pv ON pv.product_version_id = rc.product_version_id
          JOIN crash_types ct ON ct.process_type = rc.process_type AND ct.has_hang_id = (rc.hang_id IS NOT NULL)
          JOIN day_builds db ON db.build = rc.build
         WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
           AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)
           AND ct.include_agg
           AND (pv.build_type IN ('nightly', 'aurora') OR pv.rapid_beta_id IS NOT NULL)
           AND updateday BETWEEN db.build_date AND db.build_date + 6
         GROUP BY 1, 2
    ),
    adu AS (
        SELECT b.product_version_id, b.build_date, sum(b.adu_count) AS adu
          FROM build_adu b WHERE b.adu_date = updateday
         GROUP BY b.product_version_id, b.build_date
    )
    SELECT coalesce(a.product_version_id, c.product_version_id), coalesce(a.build_date, c.build_date), updateday,
           coalesce(c.report_count, 0), coalesce(a.adu, 0)
      FROM adu a
      FULL JOIN counts c ON c.product_version_id = a.product_version_id AND c.build_date = a.build_date;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN matview_finish('update_home_page_graph_build', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_home_page_graph_build(date, boolean, interval) IS
'Fills home_page_graph_build for a day: crashes (include_agg) and build ADI per version (rapid betas under their parent) and build date, first 7 days of each build. Home-page-graph-build job / backfill_matviews; needs reports_clean and update_build_adu; replaces the day, rerun-safe.';
