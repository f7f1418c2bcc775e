-- update_signature_summary_os(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Signature summary for the UTC day: the crashes of each signature per OS version (os_versions.os_version_string), inside each version's window; rapid-beta
-- parents counted from their betas. Writes the day's weekly partition of signature_summary_os
-- (created through the registry when missing).
-- Needs reports_clean complete for the day. Returns false when already done (checkdata);
-- otherwise replaces the day.
-- Callers: the signature-summary jobs (daily), backfill_signature_summary_os, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_signature_summary_os(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
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
    IF NOT matview_begin('update_signature_summary_os', updateday, checkdata, check_period, 'reports_clean') THEN
        RETURN false;
    END IF;
    PERFORM ensure_weekly_partitions(v_start, v_end, 'signature_summary_os');
    DELETE FROM signature_summary_os WHERE report_date = updateday;
    INSERT INTO signature_summary_os (signature_id, os_version_string, product_version_id, product_name, version_string, report_date, report_count)
    SELECT rc.signature_id, coalesce(ov.os_version_string, rc.os_name), tv.product_version_id, tv.product_name, tv.version_string, updateday,
           count(*)
      FROM reports_clean rc
      JOIN product_versions pv ON pv.product_version_id = rc.product_version_id
     CROSS JOIN LATERAL (VALUES (pv.product_version_id), (pv.rapid_beta_id)) AS t(product_version_id)
      JOIN product_versions tv ON tv.product_version_id = t.product_version_id
      JOIN os_versions ov ON ov.os_version_id = rc.os_version_id
     WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
       AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)
       AND t.product_version_id IS NOT NULL
     GROUP BY rc.signature_id, coalesce(ov.os_version_string, rc.os_name), tv.product_version_id, tv.product_name, tv.version_string;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN matview_finish('update_signature_summary_os', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_signature_summary_os(date, boolean, interval) IS
'Fills signature_summary_os for a day: crashes per OS version per signature and version (rapid-beta parents included). Signature-summary job / backfill_matviews; needs reports_clean; replaces the day, rerun-safe.';
