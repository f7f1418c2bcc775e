-- update_graphics_devices(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Adds the graphics adapters (AdapterVendorID, AdapterDeviceID raw crash annotations) seen in
-- the UTC day's raw crashes to graphics_device, without names (the admin's graphics-devices
-- upload fills them), read from raw_crash_fields (which update_reports_clean fills, so it needs
-- reports_clean complete for the day). Cumulative. Returns false when already done (checkdata).
-- Callers: the graphics-devices job (daily), update_signature_summary_graphics,
-- backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_graphics_devices(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_start timestamptz := updateday::timestamp AT TIME ZONE 'UTC';
    v_end   timestamptz := (updateday + 1)::timestamp AT TIME ZONE 'UTC';
    v_rows  bigint;
BEGIN
    IF NOT matview_begin('update_graphics_devices', updateday, checkdata, check_period, 'reports_clean') THEN
        RETURN false;
    END IF;
    INSERT INTO graphics_device (vendor_hex, adapter_hex)
    SELECT DISTINCT lower(btrim(f.adapter_vendor_id)), lower(btrim(f.adapter_device_id))
      FROM raw_crash_fields f
     WHERE f.date_processed >= v_start AND f.date_processed < v_end
       AND nonzero_string(f.adapter_vendor_id) AND nonzero_string(f.adapter_device_id)
    ON CONFLICT ON CONSTRAINT graphics_device_key DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN matview_finish('update_graphics_devices', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_graphics_devices(date, boolean, interval) IS
'Adds the graphics adapters (vendor and device id) seen in a day''s raw crashes to graphics_device. Graphics-devices job / signature summary / backfill_matviews; cumulative, rerun-safe.';
