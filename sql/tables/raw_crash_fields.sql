-- raw_crash_fields: the few raw-crash annotations the daily reports read (garbage collection,
-- Flash process dump, Android device, graphics adapter), copied out of raw_crashes once per
-- period by update_reports_clean, so that the report procedures read these narrow rows instead
-- of scanning the period's raw_crash documents once each. One row per raw crash of the period
-- that has any of those annotations (values as ->> returns them, untrimmed).
CREATE TABLE raw_crash_fields (
    uuid text NOT NULL,
    date_processed timestamptz NOT NULL,
    is_garbage_collecting boolean NOT NULL,
    flash_process_dump text,
    has_android_model boolean NOT NULL,
    android_cpu_abi text,
    android_manufacturer text,
    android_model text,
    android_version text,
    has_adapter_device_id boolean NOT NULL,
    adapter_vendor_id text,
    adapter_device_id text
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE raw_crash_fields IS 'Report-relevant raw-crash annotations (IsGarbageCollecting = 1, FlashProcessDump, Android_*, AdapterVendorID/AdapterDeviceID) of each raw crash that has any, written per period by update_reports_clean; read by update_tcbs, update_tcbs_build, update_gccrashes, update_android_devices, update_graphics_devices, update_signature_summary_device/graphics. Weekly partitions.';
