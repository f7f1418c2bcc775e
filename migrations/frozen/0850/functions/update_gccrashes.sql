-- update_gccrashes(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Garbage-collection crashes of nightly builds for the UTC day: per nightly product version and
-- build (numeric, 10+ digits, in its first 7 days), the crashes whose raw crash says
-- IsGarbageCollecting = '1' (raw_crash_fields), the ADI of the build's date (build_adu, all OSes) and
-- gc_count_madu = crash_madu(gc crashes, ADI) (per million ADI). Every build that crashed
-- that day gets a row. (Socorro joined build_adu on the version alone, multiplying ADI by the
-- number of its rows; here ADI is the build date's.)
-- Needs reports_clean and update_build_adu for the day. Returns false when already done
-- (checkdata); otherwise replaces the day.
-- Callers: the gccrashes job (daily), backfill_gccrashes, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_gccrashes(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
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
    IF NOT matview_begin('update_gccrashes', updateday, checkdata, check_period, 'reports_clean', 'update_build_adu') THEN
        RETURN false;
    END IF;
    CREATE TEMP TABLE gc_day ON COMMIT DROP AS
    SELECT DISTINCT f.uuid
      FROM raw_crash_fields f
     WHERE f.date_processed >= v_start AND f.date_processed < v_end
       AND f.is_garbage_collecting;

    DELETE FROM gccrashes WHERE report_date = updateday;
    INSERT INTO gccrashes (report_date, product_version_id, build, gc_count, adu, gc_count_madu)
    WITH day_builds AS MATERIALIZED (
        SELECT b.build, build_date(b.build) AS build_date
          FROM (SELECT DISTINCT rc.build FROM reports_clean rc
                 WHERE rc.date_processed >= v_start AND rc.date_processed < v_end AND rc.build IS NOT NULL) AS b
    ),
    crashes AS (
        SELECT rc.product_version_id, rc.build, db.build_date, count(g.uuid) AS gc_count
          FROM reports_clean rc
          JOIN product_versions pv ON pv.product_version_id = rc.product_version_id
          JOIN day_builds db ON db.build = rc.build
          LEFT JOIN gc_day g ON g.uuid = rc.uuid
         WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
           AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)
           AND pv.build_type = 'nightly'
           AND rc.build >= 1000000000
           AND updateday BETWEEN db.build_date AND db.build_date + 6
         GROUP BY rc.product_version_id, rc.build, db.build_date
    ),
    adu AS (
        SELECT b.product_version_id, b.build_date, sum(b.adu_count) AS adu
          FROM build_adu b WHERE b.adu_date = updateday
         GROUP BY b.product_version_id, b.build_date
    )
    SELECT updateday, c.product_version_id, c.build, c.gc_count, coalesce(a.adu, 0),
           crash_madu(c.gc_count, coalesce(a.adu, 0), 1)
      FROM crashes c
      LEFT JOIN adu a ON a.product_version_id = c.product_version_id AND a.build_date = c.build_date;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    DROP TABLE pg_temp.gc_day;
    RETURN matview_finish('update_gccrashes', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_gccrashes(date, boolean, interval) IS
'Fills gccrashes for a day: per nightly version and build (first 7 days), GC crashes, the build date''s ADI and GC crashes per million ADI. GC-crashes job / backfill_matviews; needs reports_clean and update_build_adu; replaces the day, rerun-safe.';
