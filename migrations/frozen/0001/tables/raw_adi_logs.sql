-- raw_adi_logs: staging table for ADI exports before they are folded into raw_adi.
CREATE TABLE raw_adi_logs (
    report_date date,
    product_name text,
    product_os_platform text,
    product_os_version text,
    product_version text,
    build text,
    build_channel text,
    product_guid text,
    count integer
);
COMMENT ON TABLE raw_adi_logs IS 'Staging rows of an ADI export (Socorro''s Hive export format).';
