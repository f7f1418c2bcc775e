-- update_crashes_by_user_build(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- crashes_by_user per build date for the UTC day: nightly and aurora versions and rapid betas
-- (counted under their parent), builds in their first 7 days, with build_adu as ADI. Rows:
-- every crash type for each (version, build date, OS) with build ADI, plus every combination
-- with crashes. Needs reports_clean and update_build_adu for the day. Returns false when
-- already done (checkdata); otherwise replaces the day.
-- Callers: the crashes-by-user-build job (daily), backfill_crashes_by_user_build,
-- backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_crashes_by_user_build(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
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
    IF NOT matview_begin('update_crashes_by_user_build', updateday, checkdata, check_period,
                         'reports_clean', 'update_build_adu') THEN
        RETURN false;
    END IF;
    DELETE FROM crashes_by_user_build WHERE report_date = updateday;

    INSERT INTO crashes_by_user_build (product_version_id, build_date, report_date, report_count, adu, os_short_name,
                                       crash_type_id)
    WITH day_builds AS MATERIALIZED (
        SELECT b.build, build_date(b.build) AS build_date
          FROM (SELECT DISTINCT rc.build FROM reports_clean rc
                 WHERE rc.date_processed >= v_start AND rc.date_processed < v_end AND rc.build IS NOT NULL) AS b
    ),
    counts AS (
        SELECT coalesce(pv.rapid_beta_id, pv.product_version_id) AS product_version_id, db.build_date,
               rc.os_name, ct.crash_type_id, count(*) AS report_count
          FROM reports_clean rc
          JOIN product_versions pv ON pv.product_version_id = rc.product_version_id
          JOIN crash_types ct ON ct.process_type = rc.process_type AND ct.has_hang_id = (rc.hang_id IS NOT NULL)
          JOIN day_builds db ON db.build = rc.build
         WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
           AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)
           AND (pv.build_type IN ('nightly', 'aurora') OR pv.rapid_beta_id IS NOT NULL)
           AND updateday BETWEEN db.build_date AND db.build_date + 6
         GROUP BY 1, 2, rc.os_name, ct.crash_type_id
    ),
    adu AS (
        SELECT b.product_version_id, b.build_date, b.os_name, sum(b.adu_count) AS adu
          FROM build_adu b
         WHERE b.adu_date = updateday
         GROUP BY b.product_version_id, b.build_date, b.os_name
    ),
    keys AS (
        SELECT a.product_version_id, a.build_date, a.os_name, ct.crash_type_id FROM adu a CROSS JOIN crash_types ct
        UNION
        SELECT c.product_version_id, c.build_date, c.os_name, c.crash_type_id FROM counts c
    )
    SELECT k.product_version_id, k.build_date, updateday, coalesce(c.report_count, 0), coalesce(a.adu, 0),
           os.os_short_name, k.crash_type_id
      FROM keys k
      JOIN os_names os ON os.os_name = k.os_name
      LEFT JOIN counts c ON c.product_version_id = k.product_version_id AND c.build_date = k.build_date
                        AND c.os_name = k.os_name AND c.crash_type_id = k.crash_type_id
      LEFT JOIN adu a ON a.product_version_id = k.product_version_id AND a.build_date = k.build_date
                     AND a.os_name = k.os_name;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN matview_finish('update_crashes_by_user_build', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_crashes_by_user_build(date, boolean, interval) IS
'Fills crashes_by_user_build for a day: crashes per version (rapid betas under their parent), build date, OS and crash type beside the build ADI. Crashes-by-user-build job / backfill_matviews; needs reports_clean and update_build_adu; replaces the day, rerun-safe.';
