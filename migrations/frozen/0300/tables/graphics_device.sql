-- graphics_device: graphics adapters by PCI vendor and device id; names come from an admin upload.
CREATE TABLE graphics_device (
    graphics_device_id serial PRIMARY KEY,
    vendor_hex text NOT NULL,
    adapter_hex text NOT NULL,
    vendor_name text,
    adapter_name text,
    CONSTRAINT graphics_device_key UNIQUE (vendor_hex, adapter_hex)
);
COMMENT ON TABLE graphics_device IS 'Graphics adapters (AdapterVendorID, AdapterDeviceID) seen in raw crashes (update_graphics_devices adds unseen ones without names); signature_summary_graphics counts crashes per adapter.';
