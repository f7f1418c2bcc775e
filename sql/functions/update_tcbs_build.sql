-- update_tcbs_build(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- tcbs per build date for the UTC day: crashes of nightly and aurora versions (whose version
-- fits their channel) and of rapid betas (counted under their parent), from builds in their
-- first 7 days (build date .. build date + 6), inside the version's window; the same counts
-- as tcbs. Then the top crashers windows by build date ending on the day and 6 days before are
-- ranked (update_tcbs_ranks, 'build'), and those in between or later that were ranked before
-- dropped (read computed again). Needs reports_clean complete for the day. Returns false when
-- already done (checkdata); otherwise replaces the day.
-- Callers: the tcbs-build job (daily), backfill_tcbs_build, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_tcbs_build(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
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
    IF NOT matview_begin('update_tcbs_build', updateday, checkdata, check_period, 'reports_clean') THEN
        RETURN false;
    END IF;

    CREATE TEMP TABLE tcbs_build_gc ON COMMIT DROP AS
    SELECT DISTINCT f.uuid
      FROM raw_crash_fields f
     WHERE f.date_processed >= v_start AND f.date_processed < v_end
       AND f.is_garbage_collecting;

    DELETE FROM tcbs_build WHERE report_date = updateday;
    INSERT INTO tcbs_build (signature_id, build_date, report_date, product_version_id, process_type, release_channel,
                            report_count, win_count, mac_count, lin_count, hang_count, startup_count, is_gc_count,
                            build_type)
    WITH day_builds AS MATERIALIZED (
        SELECT b.build, build_date(b.build) AS build_date
          FROM (SELECT DISTINCT rc.build FROM reports_clean rc
                 WHERE rc.date_processed >= v_start AND rc.date_processed < v_end AND rc.build IS NOT NULL) AS b
    )
    SELECT rc.signature_id, db.build_date, updateday, coalesce(pv.rapid_beta_id, pv.product_version_id),
           rc.process_type, rc.release_channel,
           count(*),
           count(*) FILTER (WHERE rc.os_name = 'Windows'),
           count(*) FILTER (WHERE rc.os_name = 'Mac OS X'),
           count(*) FILTER (WHERE rc.os_name = 'Linux'),
           count(rc.hang_id),
           count(*) FILTER (WHERE rc.uptime < interval '1 minute'),
           count(gc.uuid),
           rc.build_type
      FROM reports_clean rc
      JOIN product_versions pv ON pv.product_version_id = rc.product_version_id
      JOIN day_builds db ON db.build = rc.build
      LEFT JOIN tcbs_build_gc gc ON gc.uuid = rc.uuid
     WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
       AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)
       AND ((pv.build_type IN ('nightly', 'aurora') AND version_matches_channel(pv.version_string, pv.build_type))
            OR pv.rapid_beta_id IS NOT NULL)
       AND updateday BETWEEN db.build_date AND db.build_date + 6
     GROUP BY rc.signature_id, db.build_date, coalesce(pv.rapid_beta_id, pv.product_version_id),
              rc.process_type, rc.release_channel, rc.build_type;
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    DROP TABLE pg_temp.tcbs_build_gc;
    -- the top crashers page's windows by build date: the day's crashes are in builds of the 7
    -- days up to it, so the windows ending on updateday - 6 .. updateday + 49 change. Ranked
    -- (update_tcbs_ranks, 'build'): those ending on the day and 6 days before (whose builds are
    -- now complete); the others ranked before go back to being computed when read.
    DELETE FROM tcbs_ranks
     WHERE date_range_type = 'build' AND end_date > updateday - 6 AND end_date <= updateday + 49
       AND end_date <> updateday;
    DELETE FROM tcbs_rank_days
     WHERE date_range_type = 'build' AND end_date > updateday - 6 AND end_date <= updateday + 49
       AND end_date <> updateday;
    PERFORM update_tcbs_ranks(updateday - 6, updateday - 6, 'build');
    PERFORM update_tcbs_ranks(updateday, updateday, 'build');
    RETURN matview_finish('update_tcbs_build', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_tcbs_build(date, boolean, interval) IS
'Fills tcbs_build for a day: tcbs counts per build date for nightly, aurora and rapid-beta builds in their first 7 days, then the top crashers ranks by build date (update_tcbs_ranks). TCBS-build job / backfill_matviews; needs reports_clean; replaces the day, rerun-safe.';
