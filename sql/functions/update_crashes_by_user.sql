-- update_crashes_by_user(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Crashes and ADI per product version, OS and crash type for the UTC day. A crash's type is
-- the crash_types row of its process type and of whether it has a hang id (Socorro's
-- seeded pairs); crashes count inside their version's [build_date, sunset_date] window.
-- Rows: every crash type for each (version, OS) with product_adu, plus every (version, OS,
-- crash type) with crashes (ADI 0 then); adu is the OS's ADI of the version. Rapid-beta
-- parents get the sums of their betas. The throttle correction is in crashes_by_user_view.
-- Needs reports_clean and update_adu for the day. Returns false when already done
-- (checkdata); otherwise replaces the day.
-- Callers: the crashes-by-user job (daily), backfill_crashes_by_user, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_crashes_by_user(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
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
    IF NOT matview_begin('update_crashes_by_user', updateday, checkdata, check_period, 'reports_clean', 'update_adu') THEN
        RETURN false;
    END IF;
    DELETE FROM crashes_by_user WHERE report_date = updateday;

    INSERT INTO crashes_by_user (product_version_id, report_date, report_count, adu, os_short_name, crash_type_id)
    WITH counts AS (
        SELECT rc.product_version_id, rc.os_name, ct.crash_type_id, count(*) AS report_count
          FROM reports_clean rc
          JOIN product_versions pv ON pv.product_version_id = rc.product_version_id
          JOIN crash_types ct ON ct.process_type = rc.process_type AND ct.has_hang_id = (rc.hang_id IS NOT NULL)
         WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
           AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)
         GROUP BY rc.product_version_id, rc.os_name, ct.crash_type_id
    ),
    adu AS (
        SELECT a.product_version_id, a.os_name, sum(a.adu_count) AS adu
          FROM product_adu a
         WHERE a.adu_date = updateday
         GROUP BY a.product_version_id, a.os_name
    ),
    keys AS (
        SELECT a.product_version_id, a.os_name, ct.crash_type_id FROM adu a CROSS JOIN crash_types ct
        UNION
        SELECT c.product_version_id, c.os_name, c.crash_type_id FROM counts c
    )
    SELECT k.product_version_id, updateday, coalesce(c.report_count, 0), coalesce(a.adu, 0), os.os_short_name,
           k.crash_type_id
      FROM keys k
      JOIN os_names os ON os.os_name = k.os_name
      LEFT JOIN counts c ON c.product_version_id = k.product_version_id AND c.os_name = k.os_name
                        AND c.crash_type_id = k.crash_type_id
      LEFT JOIN adu a ON a.product_version_id = k.product_version_id AND a.os_name = k.os_name;
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    INSERT INTO crashes_by_user (product_version_id, report_date, report_count, adu, os_short_name, crash_type_id)
    SELECT pv.rapid_beta_id, updateday, sum(c.report_count), sum(c.adu), c.os_short_name, c.crash_type_id
      FROM crashes_by_user c
      JOIN product_versions pv ON pv.product_version_id = c.product_version_id
     WHERE c.report_date = updateday AND pv.rapid_beta_id IS NOT NULL
     GROUP BY pv.rapid_beta_id, c.os_short_name, c.crash_type_id;

    RETURN matview_finish('update_crashes_by_user', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_crashes_by_user(date, boolean, interval) IS
'Fills crashes_by_user for a day: crashes per version, OS and crash type beside the OS''s ADI, plus rapid-beta parent sums. Crashes-by-user job / backfill_matviews; needs reports_clean and update_adu; replaces the day, rerun-safe.';
