-- update_rank_compare(updateday date DEFAULT NULL, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Replaces rank_compare with the ranking of the UTC day (default yesterday): per product
-- version (rapid-beta parents from their betas), each signature's crash count, the version's
-- total, its dense rank by count and its share of the total (5 decimals), rank_days = 1.
-- The table holds one day only: the last one computed (backfill_matviews runs it for its last
-- day). Crashes count inside their version's window. Needs reports_clean complete for the day.
-- Returns false when the day is already loaded (checkdata).
-- Callers: the rank-compare job (daily), backfill_rank_compare, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_rank_compare(updateday date DEFAULT NULL, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET work_mem TO '256MB'
AS $$
DECLARE
    v_day   date := coalesce(updateday, utc_today() - 1);
    v_start timestamptz := coalesce(updateday, utc_today() - 1)::timestamp AT TIME ZONE 'UTC';
    v_end   timestamptz := (coalesce(updateday, utc_today() - 1) + 1)::timestamp AT TIME ZONE 'UTC';
    v_rows  bigint;
BEGIN
    IF NOT matview_begin('update_rank_compare', v_day, checkdata, check_period, 'reports_clean') THEN
        RETURN false;
    END IF;
    DELETE FROM rank_compare;
    INSERT INTO rank_compare (product_version_id, signature_id, rank_days, report_count, total_reports,
                              rank_report_count, percent_of_total, report_date)
    WITH counts AS (
        SELECT t.product_version_id, rc.signature_id, count(*) AS report_count
          FROM reports_clean rc
          JOIN product_versions pv ON pv.product_version_id = rc.product_version_id
         CROSS JOIN LATERAL (VALUES (pv.product_version_id), (pv.rapid_beta_id)) AS t(product_version_id)
         WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
           AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)
           AND t.product_version_id IS NOT NULL
         GROUP BY t.product_version_id, rc.signature_id
    )
    SELECT c.product_version_id, c.signature_id, 1, c.report_count,
           sum(c.report_count) OVER (PARTITION BY c.product_version_id),
           dense_rank() OVER (PARTITION BY c.product_version_id ORDER BY c.report_count DESC),
           round(c.report_count::numeric / sum(c.report_count) OVER (PARTITION BY c.product_version_id), 5),
           v_day
      FROM counts c;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN matview_finish('update_rank_compare', v_day, v_rows);
END;
$$;
COMMENT ON FUNCTION update_rank_compare(date, boolean, interval) IS
'Replaces rank_compare with a day''s per-version signature ranks, counts and shares (rapid-beta parents included). Rank-compare job / backfill_matviews (last day); needs reports_clean; rerun-safe.';
