-- update_signatures(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Records which product versions each signature crashed in on the UTC day: signature_products
-- (with the first report time, moved earlier when a backfill finds an earlier one) and, for the
-- day's signatures, signature_products_rollup (per product: how many versions and which,
-- ordered by version_sort: the "versions" column of top crashers). New signatures themselves
-- are added by update_reports_clean, whose product-version matching this reuses.
-- Needs reports_clean complete for the day. Returns false when already done (checkdata).
-- Callers: the signatures job (daily), backfill_signatures, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_signatures(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_start timestamptz := updateday::timestamp AT TIME ZONE 'UTC';
    v_end   timestamptz := (updateday + 1)::timestamp AT TIME ZONE 'UTC';
    v_rows  bigint;
BEGIN
    IF NOT matview_begin('update_signatures', updateday, checkdata, check_period, 'reports_clean') THEN
        RETURN false;
    END IF;

    CREATE TEMP TABLE sig_day ON COMMIT DROP AS
    SELECT rc.signature_id, rc.product_version_id, min(rc.date_processed) AS first_report
      FROM reports_clean rc
     WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
     GROUP BY rc.signature_id, rc.product_version_id;

    -- new pairs, then earlier first reports (an upsert would lock and rewrite every known pair)
    INSERT INTO signature_products (signature_id, product_version_id, first_report)
    SELECT d.signature_id, d.product_version_id, d.first_report FROM sig_day d
    ON CONFLICT (signature_id, product_version_id) DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    UPDATE signature_products sp SET first_report = d.first_report
      FROM sig_day d
     WHERE sp.signature_id = d.signature_id AND sp.product_version_id = d.product_version_id
       AND (sp.first_report IS NULL OR sp.first_report > d.first_report);

    -- the version lists of the day's signatures, written only where they changed
    CREATE TEMP TABLE sig_rollup ON COMMIT DROP AS
    SELECT sp.signature_id, pv.product_name, count(*)::integer AS ver_count,
           array_agg(pv.version_string::text ORDER BY pv.version_sort, pv.version_string) AS version_list
      FROM signature_products sp
      JOIN product_versions pv ON pv.product_version_id = sp.product_version_id
     WHERE sp.signature_id IN (SELECT DISTINCT d.signature_id FROM sig_day d)
     GROUP BY sp.signature_id, pv.product_name;
    INSERT INTO signature_products_rollup (signature_id, product_name, ver_count, version_list)
    SELECT r.signature_id, r.product_name, r.ver_count, r.version_list FROM sig_rollup r
    ON CONFLICT (signature_id, product_name) DO NOTHING;
    UPDATE signature_products_rollup spr SET ver_count = r.ver_count, version_list = r.version_list
      FROM sig_rollup r
     WHERE spr.signature_id = r.signature_id AND spr.product_name = r.product_name
       AND (spr.ver_count <> r.ver_count OR spr.version_list <> r.version_list);
    DROP TABLE pg_temp.sig_rollup;

    DROP TABLE pg_temp.sig_day;
    RETURN matview_finish('update_signatures', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_signatures(date, boolean, interval) IS
'Adds the day''s signature x product version pairs to signature_products (earliest first report) and refreshes signature_products_rollup for the day''s signatures. Signatures job / backfill_matviews; needs reports_clean; rerun-safe.';
