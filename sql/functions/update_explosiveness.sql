-- update_explosiveness(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Explosive signatures ending on the UTC day (statistics "per Kairo", as in Socorro), per
-- product version (rapid-beta parents from their betas' crashes and ADI) and signature:
--   * rate = crash_madu(tcbs crashes, product_adu ADI, 1) for each of the 10 days ending on
--     updateday, 0 on days without crashes or ADI (counted in the sums, not written out);
--     mindivisor = 30 x 1e6 / ADI of the day (0 on such days);
--   * oneday, where today's rate is over 10:
--       (today - avg(previous 9 days)) / greatest(max9 - avg9, today's mindivisor);
--   * threeday, where the 3-day average rate is over 10:
--       (avg(last 3 days) - sum(7 days before)/7) / greatest(sample stddev(those 7), avg mindivisor);
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

    DELETE FROM explosiveness WHERE last_date = updateday;
    INSERT INTO explosiveness (last_date, signature_id, product_version_id, oneday, threeday,
                               day0, day1, day2, day3, day4, day5, day6, day7, day8, day9)
    WITH adu_versions AS (
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
    -- the rate of each day with crashes and ADI; the other days of the 10 count as 0, which
    -- the sums below take into account instead of writing the zeros out
    rates AS (
        SELECT r.signature_id, r.product_version_id, updateday - r.report_date AS age,
               crash_madu(r.report_count, a.adu_count, 1) AS rate, a.mindivisor
          FROM reportsum r
          JOIN adusum a ON a.adu_date = r.report_date AND a.product_version_id = r.product_version_id
    ),
    stats AS (
        SELECT x.signature_id, x.product_version_id,
               coalesce(sum(x.rate) FILTER (WHERE x.age = 0), 0) AS day0,
               coalesce(sum(x.rate) FILTER (WHERE x.age = 1), 0) AS day1,
               coalesce(sum(x.rate) FILTER (WHERE x.age = 2), 0) AS day2,
               coalesce(sum(x.rate) FILTER (WHERE x.age = 3), 0) AS day3,
               coalesce(sum(x.rate) FILTER (WHERE x.age = 4), 0) AS day4,
               coalesce(sum(x.rate) FILTER (WHERE x.age = 5), 0) AS day5,
               coalesce(sum(x.rate) FILTER (WHERE x.age = 6), 0) AS day6,
               coalesce(sum(x.rate) FILTER (WHERE x.age = 7), 0) AS day7,
               coalesce(sum(x.rate) FILTER (WHERE x.age = 8), 0) AS day8,
               coalesce(sum(x.rate) FILTER (WHERE x.age = 9), 0) AS day9,
               coalesce(sum(x.mindivisor) FILTER (WHERE x.age = 0), 0) AS mindiv0,
               coalesce(sum(x.rate) FILTER (WHERE x.age BETWEEN 1 AND 9), 0) / 9 AS avg9,
               coalesce(max(x.rate) FILTER (WHERE x.age BETWEEN 1 AND 9), 0) AS max9,
               coalesce(sum(x.rate) FILTER (WHERE x.age BETWEEN 0 AND 2), 0) / 3 AS avg3,
               coalesce(sum(x.mindivisor) FILTER (WHERE x.age BETWEEN 0 AND 2), 0) / 3 AS mindiv3,
               coalesce(sum(x.rate) FILTER (WHERE x.age BETWEEN 3 AND 9), 0) AS sum7,
               coalesce(sum(x.rate * x.rate) FILTER (WHERE x.age BETWEEN 3 AND 9), 0) AS sumsq7
          FROM rates x
         GROUP BY x.signature_id, x.product_version_id
    ),
    scored AS (
        SELECT st.*,
               CASE WHEN st.day0 > v_minrate
                    THEN round((st.day0 - st.avg9) / greatest(st.max9 - st.avg9, st.mindiv0), 2) END AS oneday,
               CASE WHEN st.avg3 > v_minrate
                    THEN round((st.avg3 - st.sum7 / 7)
                               / greatest(sqrt(greatest(st.sumsq7 - st.sum7 * st.sum7 / 7, 0) / 6), st.mindiv3), 2)
               END AS threeday
          FROM stats st
    )
    SELECT updateday, sc.signature_id, sc.product_version_id, sc.oneday, sc.threeday,
           sc.day0, sc.day1, sc.day2, sc.day3, sc.day4, sc.day5, sc.day6, sc.day7, sc.day8, sc.day9
      FROM scored sc
     WHERE sc.oneday IS NOT NULL OR sc.threeday IS NOT NULL;
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    RETURN matview_finish('update_explosiveness', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_explosiveness(date, boolean, interval) IS
'Fills explosiveness for a day: per version and signature, one-day and three-day explosiveness scores over the crashes per million ADI of the last 10 days (rapid-beta parents included). Explosiveness job / backfill_matviews; needs update_tcbs and update_adu; replaces the day, rerun-safe.';
