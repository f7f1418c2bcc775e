-- tcbs: Top Crashers By Signature, per UTC day (update_tcbs). Rapid-beta parents have their
-- own rows, summed from their betas.
CREATE TABLE tcbs (
    signature_id integer NOT NULL,
    report_date date NOT NULL,
    product_version_id integer NOT NULL,
    process_type citext NOT NULL,
    release_channel citext NOT NULL,
    report_count integer NOT NULL DEFAULT 0,
    win_count integer NOT NULL DEFAULT 0,
    mac_count integer NOT NULL DEFAULT 0,
    lin_count integer NOT NULL DEFAULT 0,
    hang_count integer NOT NULL DEFAULT 0,
    startup_count integer NOT NULL DEFAULT 0,
    is_gc_count integer NOT NULL DEFAULT 0,
    build_type build_type,
    PRIMARY KEY (signature_id, report_date, product_version_id, process_type, release_channel)
);
CREATE INDEX tcbs_product_version_report_date ON tcbs (product_version_id, report_date);
CREATE INDEX tcbs_report_date ON tcbs (report_date);
COMMENT ON TABLE tcbs IS 'Crashes per signature, product version, process type and day, with per-OS, hang, startup (uptime < 1 min) and garbage-collection counts; the top crashers report sums it over its window.';
