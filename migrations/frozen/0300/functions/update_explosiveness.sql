-- update_explosiveness(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Explosive signatures ending on the UTC day (statistics "per Kairo", as in Socorro), per
-- product version (rapid-beta parents from their betas' crashes and ADI) and signature:
--   * rate = crash_madu(tcbs crashes, product_adu ADI, 1) for each of the 10 days ending on
--     updateday, 0 on days without crashes or ADI; mindivisor = 30 x 1e6 / ADI of the day;
--   * oneday, where today's rate is over 10:
--       (today - avg(previous 9 days)) / greatest(max9 - avg9, today's mindivisor);
--   * threeday, where the 3-day average rate is over 10:
--       (avg(last 3 days) - sum(7 days before)/7) / greatest(stddev(those 7), avg mindivisor);
--   * day0 (updateday) .. day9 hold the rates; rows with neither score are not kept.
-- Scores are rounded to 2 decimals. Unlike Socorro, which emptied the table, rows of other
-- days stay (last_date is part of the key), so any day can be looked at and backfilled.
-- Needs update_tcbs and update_adu for the day. Returns false when already done (checkdata);
-- otherwise replaces the day.
-- Callers: the explosiveness job (daily), backfill_explosiveness, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_explosiveness(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET work_mem TO '256MB'
AS $$
DECLARE
    v_minrate   constant numeric := 10;
    v_mindiv    constant numeric := 30;
    v_rows      bigint;
BEGIN
    IF NOT matview_begin('update_explosiveness', updateday, checkdata, check_period, 'update_tcbs', 'update_adu') THEN
        RETURN false;
    END IF;

    CREATE TEMP TABLE explosive_madu ON COMMIT DROP AS
    WITH crashdates AS (
        SELECT g::date AS report_date FROM generate_series(updateday - 9, updateday, interval '1 day') AS g
    ),
    adu_versions AS (
        SELECT a.adu_date, a.product_version_id, a.adu_count
          FROM product_adu a WHERE a.adu_date BETWEEN updateday - 9 AND updateday
        UNION ALL
        SELECT a.adu_date, pv.rapid_beta_id, a.adu_count
          FROM product_adu a
          JOIN product_versions pv ON pv.product_version_id = a.product_version_id
         WHERE a.adu_date BETWEEN updateday - 9 AND updateday AND pv.rapid_beta_id IS NOT NULL
    ),
    adusum AS (
        SELECT v.adu_date, v.product_version_id, sum(v.adu_count) AS adu_count,
               v_mindiv * 1000000::numeric / sum(v.adu_count) AS mindivisor
          FROM adu_versions v
         GROUP BY v.adu_date, v.product_version_id
        HAVING sum(v.adu_count) > 0
    ),
    reportsum AS (
        SELECT t.report_date, t.product_version_id, t.signature_id, sum(t.report_count) AS report_count
          FROM tcbs t WHERE t.report_date BETWEEN updateday - 9 AND updateday
         GROUP BY t.report_date, t.product_version_id, t.signature_id
    ),
    crashmadu AS (
        SELECT r.signature_id, r.product_version_id, r.report_date,
               crash_madu(r.report_count, a.adu_count, 1) AS crash_madu, a.mindivisor
          FROM reportsum r
          JOIN adusum a ON a.adu_date = r.report_date AND a.product_version_id = r.product_version_id
    ),
    sigdates AS (
        SELECT DISTINCT c.signature_id, c.product_version_id, d.report_date
          FROM crashmadu c CROSS JOIN crashdates d
    )
    SELECT sd.signature_id, sd.product_version_id, sd.report_date,
           coalesce(c.crash_madu, 0) AS crash_madu, coalesce(c.mindivisor, 0) AS mindivisor
      FROM sigdates sd
      LEFT JOIN crashmadu c ON c.signature_id = sd.signature_id AND c.product_version_id = sd.product_version_id
                           AND c.report_date = sd.report_date;

    DELETE FROM explosiveness WHERE last_date = updateday;
    INSERT INTO explosiveness (last_date, signature_id, product_version_id, oneday, threeday,
                               day0, day1, day2, day3, day4, day5, day6, day7, day8, day9)
    WITH xtab AS (
        SELECT m.signature_id, m.product_version_id,
               sum(m.crash_madu) FILTER (WHERE m.report_date = updateday) AS day0,
               sum(m.crash_madu) FILTER (WHERE m.report_date = updateday - 1) AS day1,
               sum(m.crash_madu) FILTER (WHERE m.report_date = updateday - 2) AS day2,
               sum(m.crash_madu) FILTER (WHERE m.report_date = updateday - 3) AS day3,
               sum(m.crash_madu) FILTER (WHERE m.report_date = updateday - 4) AS day4,
               sum(m.crash_madu) FILTER (WHERE m.report_date = updateday - 5) AS day5,
               sum(m.crash_madu) FILTER (WHERE m.report_date = updateday - 6) AS day6,
               sum(m.crash_madu) FILTER (WHERE m.report_date = updateday - 7) AS day7,
               sum(m.crash_madu) FILTER (WHERE m.report_date = updateday - 8) AS day8,
               sum(m.crash_madu) FILTER (WHERE m.report_date = updateday - 9) AS day9
          FROM explosive_madu m
         GROUP BY m.signature_id, m.product_version_id
    ),
    sum1day AS (
        SELECT m.signature_id, m.product_version_id, m.crash_madu AS sum1day, m.mindivisor
          FROM explosive_madu m
         WHERE m.report_date = updateday AND m.crash_madu > v_minrate
    ),
    agg9day AS (
        SELECT m.signature_id, m.product_version_id, avg(m.crash_madu) AS avg9day, max(m.crash_madu) AS max9day
          FROM explosive_madu m
         WHERE m.report_date BETWEEN updateday - 9 AND updateday - 1
         GROUP BY m.signature_id, m.product_version_id
    ),
    oneday AS (
        SELECT s.signature_id, s.product_version_id,
               round((s.sum1day - coalesce(a.avg9day, 0)) / greatest(a.max9day - a.avg9day, s.mindivisor), 2) AS oneday
          FROM sum1day s
          LEFT JOIN agg9day a ON a.signature_id = s.signature_id AND a.product_version_id = s.product_version_id
    ),
    avg3day AS (
        SELECT m.signature_id, m.product_version_id, avg(m.crash_madu) AS avg3day, avg(m.mindivisor) AS mindivisor
          FROM explosive_madu m
         WHERE m.report_date BETWEEN updateday - 2 AND updateday
         GROUP BY m.signature_id, m.product_version_id
        HAVING avg(m.crash_madu) > v_minrate
    ),
    agg7day AS (
        SELECT m.signature_id, m.product_version_id, sum(m.crash_madu) / 7 AS avg7day,
               coalesce(stddev(m.crash_madu), 0) AS sdv7day
          FROM explosive_madu m
         WHERE m.report_date BETWEEN updateday - 9 AND updateday - 3
         GROUP BY m.signature_id, m.product_version_id
    ),
    threeday AS (
        SELECT a3.signature_id, a3.product_version_id,
               round((a3.avg3day - coalesce(a7.avg7day, 0)) / greatest(a7.sdv7day, a3.mindivisor), 2) AS threeday
          FROM avg3day a3
          LEFT JOIN agg7day a7 ON a7.signature_id = a3.signature_id AND a7.product_version_id = a3.product_version_id
    )
    SELECT updateday, x.signature_id, x.product_version_id, o.oneday, t.threeday,
           x.day0, x.day1, x.day2, x.day3, x.day4, x.day5, x.day6, x.day7, x.day8, x.day9
      FROM xtab x
      LEFT JOIN oneday o ON o.signature_id = x.signature_id AND o.product_version_id = x.product_version_id
      LEFT JOIN threeday t ON t.signature_id = x.signature_id AND t.product_version_id = x.product_version_id
     WHERE o.oneday IS NOT NULL OR t.threeday IS NOT NULL;
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    DROP TABLE pg_temp.explosive_madu;
    RETURN matview_finish('update_explosiveness', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_explosiveness(date, boolean, interval) IS
'Fills explosiveness for a day: per version and signature, one-day and three-day explosiveness scores over the crashes per million ADI of the last 10 days (rapid-beta parents included). Explosiveness job / backfill_matviews; needs update_tcbs and update_adu; replaces the day, rerun-safe.';
