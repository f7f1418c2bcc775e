-- update_android_devices(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Adds the Android devices (Android_CPU_ABI, Android_Manufacturer, Android_Model,
-- Android_Version raw crash annotations, all four present) seen in the UTC day's raw crashes
-- to android_devices, read from raw_crash_fields (which update_reports_clean fills, so it needs
-- reports_clean complete for the day). Cumulative. Returns false when already done (checkdata).
-- Callers: the android-devices job (daily), update_signature_summary_device,
-- backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_android_devices(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_start timestamptz := updateday::timestamp AT TIME ZONE 'UTC';
    v_end   timestamptz := (updateday + 1)::timestamp AT TIME ZONE 'UTC';
    v_rows  bigint;
BEGIN
    IF NOT matview_begin('update_android_devices', updateday, checkdata, check_period, 'reports_clean') THEN
        RETURN false;
    END IF;
    INSERT INTO android_devices (android_cpu_abi, android_manufacturer, android_model, android_version)
    SELECT DISTINCT btrim(f.android_cpu_abi), btrim(f.android_manufacturer), btrim(f.android_model),
           btrim(f.android_version)
      FROM raw_crash_fields f
     WHERE f.date_processed >= v_start AND f.date_processed < v_end
       AND nonzero_string(f.android_cpu_abi) AND nonzero_string(f.android_manufacturer)
       AND nonzero_string(f.android_model) AND nonzero_string(f.android_version)
    ON CONFLICT ON CONSTRAINT android_devices_key DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN matview_finish('update_android_devices', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_android_devices(date, boolean, interval) IS
'Adds the Android devices seen in a day''s raw crashes to android_devices. Android-devices job / signature summary / backfill_matviews; cumulative, rerun-safe.';
