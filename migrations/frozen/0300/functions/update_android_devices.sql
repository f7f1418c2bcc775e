-- update_android_devices(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Adds the Android devices (Android_CPU_ABI, Android_Manufacturer, Android_Model,
-- Android_Version raw crash annotations, all four present) seen in the UTC day's raw crashes
-- to android_devices. Cumulative. Returns false when already done (checkdata).
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
    IF NOT matview_begin('update_android_devices', updateday, checkdata, check_period) THEN
        RETURN false;
    END IF;
    INSERT INTO android_devices (android_cpu_abi, android_manufacturer, android_model, android_version)
    SELECT DISTINCT btrim(rc.raw_crash ->> 'Android_CPU_ABI'), btrim(rc.raw_crash ->> 'Android_Manufacturer'),
           btrim(rc.raw_crash ->> 'Android_Model'), btrim(rc.raw_crash ->> 'Android_Version')
      FROM raw_crashes rc
     WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
       AND nonzero_string(rc.raw_crash ->> 'Android_CPU_ABI') AND nonzero_string(rc.raw_crash ->> 'Android_Manufacturer')
       AND nonzero_string(rc.raw_crash ->> 'Android_Model') AND nonzero_string(rc.raw_crash ->> 'Android_Version')
    ON CONFLICT ON CONSTRAINT android_devices_key DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN matview_finish('update_android_devices', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_android_devices(date, boolean, interval) IS
'Adds the Android devices seen in a day''s raw crashes to android_devices. Android-devices job / signature summary / backfill_matviews; cumulative, rerun-safe.';
