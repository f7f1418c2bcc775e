-- signature_summary_uptime: crashes per uptime bucket (uptime_levels), per signature and UTC day (update_signature_summary_uptime).
-- Weekly partitions on report_date come from report_partition_info (its other index there).
CREATE TABLE signature_summary_uptime (
    signature_id integer NOT NULL,
    uptime_string citext NOT NULL,
    product_version_id integer NOT NULL,
    product_name citext NOT NULL,
    version_string citext NOT NULL,
    report_date date NOT NULL,
    report_count integer NOT NULL DEFAULT 0
) PARTITION BY RANGE (report_date);
-- Its one unique index (declared here: every partition gets a copy): a signature's rows of a
-- day, one per version and uptime_string. Carrying the counts, it also serves the signature summary
-- page (signature_summary_for), which reads one signature's rows of a date range from it alone.
CREATE UNIQUE INDEX signature_summary_uptime_key ON signature_summary_uptime (signature_id, report_date, product_version_id, uptime_string)
    INCLUDE (report_count);
COMMENT ON TABLE signature_summary_uptime IS 'Signature summary: crashes per uptime bucket (uptime_levels), per signature and day (rapid-beta parents included); weekly partitions. Read by the signature_summary view.';
