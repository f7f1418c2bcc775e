-- update_signature_summary_device(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Signature summary for the UTC day: the crashes of each signature per Android device (raw crash Android_* annotations from raw_crash_fields; android_devices), inside each version's window; rapid-beta
-- parents counted from their betas. Writes the day's weekly partition of signature_summary_device
-- (created through the registry when missing).
-- Needs reports_clean complete for the day. Returns false when already done (checkdata);
-- otherwise replaces the day.
-- Callers: the signature-summary jobs (daily), backfill_signature_summary_device, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_signature_summary_device(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
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
    IF NOT matview_begin('update_signature_summary_device', updateday, checkdata, check_period, 'reports_clean') THEN
        RETURN false;
    END IF;
    PERFORM ensure_weekly_partitions(v_start, v_end, 'signature_summary_device');
    IF NOT EXISTS (SELECT 1 FROM matview_runs m WHERE m.proc_name = 'update_android_devices' AND m.report_date = updateday) THEN
        PERFORM update_android_devices(updateday);
    END IF;
    CREATE TEMP TABLE sst_device_raw ON COMMIT DROP AS
    SELECT f.uuid, btrim(f.android_cpu_abi) AS cpu_abi, btrim(f.android_manufacturer) AS manufacturer,
           btrim(f.android_model) AS model, btrim(f.android_version) AS version
      FROM raw_crash_fields f
     WHERE f.date_processed >= v_start AND f.date_processed < v_end
       AND f.has_android_model;
    DELETE FROM signature_summary_device WHERE report_date = updateday;
    INSERT INTO signature_summary_device (signature_id, android_device_id, product_version_id, product_name, version_string, report_date, report_count)
    SELECT rc.signature_id, ad.android_device_id, tv.product_version_id, tv.product_name, tv.version_string, updateday,
           count(*)
      FROM reports_clean rc
      JOIN product_versions pv ON pv.product_version_id = rc.product_version_id
     CROSS JOIN LATERAL (VALUES (pv.product_version_id), (pv.rapid_beta_id)) AS t(product_version_id)
      JOIN product_versions tv ON tv.product_version_id = t.product_version_id
      JOIN sst_device_raw r ON r.uuid = rc.uuid
      JOIN android_devices ad ON ad.android_cpu_abi = r.cpu_abi AND ad.android_manufacturer = r.manufacturer
                             AND ad.android_model = r.model AND ad.android_version = r.version
     WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
       AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)
       AND t.product_version_id IS NOT NULL
     GROUP BY rc.signature_id, ad.android_device_id, tv.product_version_id, tv.product_name, tv.version_string;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    DROP TABLE pg_temp.sst_device_raw;
    RETURN matview_finish('update_signature_summary_device', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_signature_summary_device(date, boolean, interval) IS
'Fills signature_summary_device for a day: crashes per Android device per signature and version (rapid-beta parents included). Signature-summary job / backfill_matviews; needs reports_clean; replaces the day, rerun-safe.';
