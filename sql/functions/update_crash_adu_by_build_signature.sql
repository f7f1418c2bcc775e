-- update_crash_adu_by_build_signature(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- For the UTC day, per product, channel, build and OS: the crashes of each signature beside the
-- ADI of the build's date (build_adu, summed over the version's OS): nightly, aurora and rapid
-- betas (under their parent), builds in their first 7 days with a numeric build id. A build
-- date with ADI but no crash gets one row with signature_id 0, signature '' and no buildid.
-- Needs reports_clean and update_build_adu for the day. Returns false when already done
-- (checkdata); otherwise replaces the day.
-- Callers: the crash-adu-by-build-signature job (daily), its backfill, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_crash_adu_by_build_signature(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
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
    IF NOT matview_begin('update_crash_adu_by_build_signature', updateday, checkdata, check_period,
                         'reports_clean', 'update_build_adu') THEN
        RETURN false;
    END IF;
    DELETE FROM crash_adu_by_build_signature WHERE adu_date = updateday;

    INSERT INTO crash_adu_by_build_signature (signature_id, signature, adu_date, build_date, buildid, crash_count,
                                              adu_count, os_name, channel, product_name)
    WITH day_builds AS MATERIALIZED (
        SELECT b.build, build_date(b.build) AS build_date
          FROM (SELECT DISTINCT rc.build FROM reports_clean rc
                 WHERE rc.date_processed >= v_start AND rc.date_processed < v_end AND rc.build IS NOT NULL) AS b
    ),
    crashes AS (
        SELECT coalesce(pv.rapid_beta_id, pv.product_version_id) AS product_version_id, rc.build,
               db.build_date, rc.os_name, rc.signature_id, count(*) AS crash_count
          FROM reports_clean rc
          JOIN product_versions pv ON pv.product_version_id = rc.product_version_id
          JOIN day_builds db ON db.build = rc.build
         WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
           AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)
           AND (pv.build_type IN ('nightly', 'aurora') OR pv.rapid_beta_id IS NOT NULL)
           AND rc.build >= 10000000
           AND updateday BETWEEN db.build_date AND db.build_date + 6
         GROUP BY 1, rc.build, db.build_date, rc.os_name, rc.signature_id
    ),
    adu AS (
        SELECT b.product_version_id, b.build_date, b.os_name, sum(b.adu_count) AS adu_count
          FROM build_adu b WHERE b.adu_date = updateday
         GROUP BY b.product_version_id, b.build_date, b.os_name
    )
    SELECT c.signature_id, s.signature, updateday, c.build_date, c.build, sum(c.crash_count),
           sum(coalesce(a.adu_count, 0)), c.os_name, pv.build_type, pv.product_name
      FROM crashes c
      JOIN signatures s ON s.signature_id = c.signature_id
      JOIN product_versions pv ON pv.product_version_id = c.product_version_id
      LEFT JOIN adu a ON a.product_version_id = c.product_version_id AND a.build_date = c.build_date
                     AND a.os_name = c.os_name
     GROUP BY c.signature_id, s.signature, c.build_date, c.build, c.os_name, pv.build_type, pv.product_name
    UNION ALL
    SELECT 0, '', updateday, a.build_date, NULL, 0, sum(a.adu_count), a.os_name, pv.build_type, pv.product_name
      FROM adu a
      JOIN product_versions pv ON pv.product_version_id = a.product_version_id
     WHERE NOT EXISTS (SELECT 1 FROM crashes c
                        WHERE c.product_version_id = a.product_version_id AND c.build_date = a.build_date
                          AND c.os_name = a.os_name)
     GROUP BY a.build_date, a.os_name, pv.build_type, pv.product_name;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN matview_finish('update_crash_adu_by_build_signature', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_crash_adu_by_build_signature(date, boolean, interval) IS
'Fills crash_adu_by_build_signature for a day: crashes per build, OS and signature beside the build date''s ADI (nightly, aurora, rapid betas; first 7 days), and a signature-0 row for builds without crashes. Daily job / backfill_matviews; needs reports_clean and update_build_adu; replaces the day, rerun-safe.';
