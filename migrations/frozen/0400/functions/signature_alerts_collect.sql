-- signature_alerts_collect(p_day date, p_top_n integer DEFAULT 20, p_threshold numeric DEFAULT 3) -> integer
-- Raises the day's signature alerts into signature_alerts and returns how many are new:
--   * new_top_crasher: a signature in a product's top p_top_n (tcbs report counts summed over
--     the product's versions, rapid-beta parents left out so children are not counted twice)
--     that was not in its top p_top_n on any of the 7 days before; only for products with tcbs
--     rows in those 7 days (the first day of data is the baseline, not a flood of alerts);
--   * explosive: a signature whose explosiveness (oneday or threeday, for a version of the
--     product, last_date = p_day) reaches p_threshold.
-- A signature alerted with the same kind for the product in the 6 days before is not alerted
-- again; rerunning a day adds nothing.
-- Callers: the signature-alerts job, after tcbs-matview and explosiveness-matview. Rerun-safe.
CREATE OR REPLACE FUNCTION signature_alerts_collect(p_day date, p_top_n integer DEFAULT 20, p_threshold numeric DEFAULT 3)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_new integer;
BEGIN
    IF p_day IS NULL OR p_top_n IS NULL OR p_top_n < 1 OR p_threshold IS NULL THEN
        RAISE EXCEPTION 'signature_alerts_collect: a day, a top-N of 1 or more and a threshold are required (got %, %, %)',
                        p_day, p_top_n, p_threshold
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'e.g. signature_alerts_collect(current_date - 1, 20, 3)';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('crashstats.signature_alerts'));

    WITH counts AS (
        SELECT pv.product_name, t.report_date, t.signature_id, sum(t.report_count) AS report_count,
               array_agg(DISTINCT pv.version_string::text ORDER BY pv.version_string::text) AS versions
          FROM tcbs t
          JOIN product_versions pv ON pv.product_version_id = t.product_version_id
         WHERE t.report_date BETWEEN p_day - 7 AND p_day
           AND NOT EXISTS (SELECT 1 FROM product_versions c WHERE c.rapid_beta_id = pv.product_version_id)
         GROUP BY pv.product_name, t.report_date, t.signature_id
    ), ranked AS (
        SELECT c.*, rank() OVER (PARTITION BY c.product_name, c.report_date ORDER BY c.report_count DESC) AS rnk
          FROM counts c
    ), new_top AS (
        SELECT r.product_name, s.signature, 'new_top_crasher'::text AS kind,
               jsonb_build_object('rank', r.rnk, 'report_count', r.report_count, 'versions', to_jsonb(r.versions),
                                  'top_n', p_top_n) AS details,
               r.rnk::numeric AS sort_key
          FROM ranked r
          JOIN signatures s ON s.signature_id = r.signature_id
         WHERE r.report_date = p_day
           AND r.rnk <= p_top_n
           AND EXISTS (SELECT 1 FROM counts h WHERE h.product_name = r.product_name AND h.report_date < p_day)
           AND NOT EXISTS (SELECT 1 FROM ranked h
                            WHERE h.product_name = r.product_name AND h.signature_id = r.signature_id
                              AND h.report_date < p_day AND h.rnk <= p_top_n)
    ), explosive AS (
        SELECT pv.product_name, s.signature, 'explosive'::text AS kind,
               jsonb_build_object('oneday', max(e.oneday), 'threeday', max(e.threeday),
                                  'versions', to_jsonb(array_agg(DISTINCT pv.version_string::text
                                                                  ORDER BY pv.version_string::text)),
                                  'threshold', p_threshold) AS details,
               -greatest(max(e.oneday), max(e.threeday)) AS sort_key
          FROM explosiveness e
          JOIN product_versions pv ON pv.product_version_id = e.product_version_id
          JOIN signatures s ON s.signature_id = e.signature_id
         WHERE e.last_date = p_day
           AND (e.oneday >= p_threshold OR e.threeday >= p_threshold)
         GROUP BY pv.product_name, s.signature
    ), candidates AS (
        SELECT * FROM new_top
        UNION ALL
        SELECT * FROM explosive
    )
    INSERT INTO signature_alerts (report_date, product_name, signature, kind, details)
    SELECT p_day, c.product_name, c.signature, c.kind, c.details
      FROM candidates c
     WHERE NOT EXISTS (SELECT 1 FROM signature_alerts a
                        WHERE a.product_name = c.product_name AND a.signature = c.signature AND a.kind = c.kind
                          AND a.report_date BETWEEN p_day - 6 AND p_day - 1)
     ORDER BY c.product_name, c.kind, c.sort_key
    ON CONFLICT ON CONSTRAINT signature_alerts_once DO NOTHING;
    GET DIAGNOSTICS v_new = ROW_COUNT;
    RETURN v_new;
END;
$$;
COMMENT ON FUNCTION signature_alerts_collect(date, integer, numeric) IS
'Raises the day''s alerts into signature_alerts: signatures new in a product''s top N crashers (tcbs, vs the 7 days before) and signatures whose explosiveness reaches the threshold; not repeated within 7 days. Called by the signature-alerts job; rerun-safe.';
