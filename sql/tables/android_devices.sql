-- android_devices: Android devices seen in crashes (update_android_devices, from raw crash annotations).
CREATE TABLE android_devices (
    android_device_id serial PRIMARY KEY,
    android_cpu_abi text NOT NULL,
    android_manufacturer text NOT NULL,
    android_model text NOT NULL,
    android_version text NOT NULL,
    CONSTRAINT android_devices_key UNIQUE (android_cpu_abi, android_manufacturer, android_model, android_version)
);
COMMENT ON TABLE android_devices IS 'Distinct (CPU ABI, manufacturer, model, Android version) seen in raw crashes; signature_summary_device counts crashes per device.';
