-- reports_clean: the normalised crash fact table every aggregate reads (update_reports_clean).
CREATE TABLE reports_clean (
    uuid text NOT NULL,
    date_processed timestamptz NOT NULL,
    client_crash_date timestamptz,
    product_version_id integer,
    build numeric,
    signature_id integer NOT NULL,
    install_age interval,
    uptime interval,
    reason_id integer NOT NULL,
    address_id integer NOT NULL,
    os_name citext NOT NULL,
    os_version_id integer NOT NULL,
    hang_id text,
    flash_version_id integer NOT NULL,
    process_type citext NOT NULL,
    release_channel citext NOT NULL,
    duplicate_of text,
    domain_id integer NOT NULL,
    architecture citext,
    cores integer,
    exploitability text,
    flash_process_dump flash_process_dump_type,
    build_type build_type,
    update_channel text
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE reports_clean IS 'Normalised crashes (lookup ids instead of strings, matched product_version_id), weekly partitions; written hourly by update_reports_clean, read by every report procedure. No private data: that is in reports_user_info.';
