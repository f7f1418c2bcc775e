-- signature_summary_installations: crashes and distinct installations (client_crash_date - install_age) per product version, per signature and UTC day (update_signature_summary_installations).
-- Weekly partitions on report_date come from report_partition_info (its other index there).
CREATE TABLE signature_summary_installations (
    signature_id integer NOT NULL,
    product_version_id integer NOT NULL,
    product_name citext NOT NULL,
    version_string citext NOT NULL,
    report_date date NOT NULL,
    crash_count integer NOT NULL DEFAULT 0,
    install_count integer NOT NULL DEFAULT 0
) PARTITION BY RANGE (report_date);
-- Its one unique index (declared here: every partition gets a copy): a signature's rows of a
-- day, one per version. Carrying the counts, it also serves the signature summary
-- page (signature_summary_for), which reads one signature's rows of a date range from it alone.
CREATE UNIQUE INDEX signature_summary_installations_key ON signature_summary_installations (signature_id, report_date, product_version_id)
    INCLUDE (product_name, version_string, crash_count, install_count);
COMMENT ON TABLE signature_summary_installations IS 'Signature summary: crashes and distinct installations (client_crash_date - install_age) per product version, per signature and day (rapid-beta parents included); weekly partitions. Read by the signature_summary view.';
