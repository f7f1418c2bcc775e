-- Seed rows (Socorro staticdata, plus reports_clean and reports_user_info, which Socorro
-- created on demand): the weekly-partitioned tables. raw_crashes and processed_crashes are
-- truncated after truncate_partitions' weeks_to_keep (Socorro's TruncatePartitionsCronApp).
-- Rerun-safe.
INSERT INTO report_partition_info (table_name, build_order, keys, indexes, fkeys, partition_column, timetype, truncate_old) VALUES
    -- reports: Socorro's single-column indexes, but (signature, date_processed) for signature: a
    -- signature's crashes newest first (the signature report's tabs, Super Search's signature=)
    ('reports', 1, '{id,uuid}', '{date_processed,hangid,"product,version",reason,"signature,date_processed",url}', '{}',
     'date_processed', 'TIMESTAMPTZ', false),
    ('plugins_reports', 2, '{"report_id,plugin_id"}', '{"report_id,date_processed"}',
     '{"(plugin_id) REFERENCES plugins(id)","(report_id) REFERENCES reports_WEEKNUM(id)"}',
     'date_processed', 'TIMESTAMPTZ', false),
    ('extensions', 3, '{"report_id,extension_key"}', '{"report_id,date_processed"}',
     '{"(report_id) REFERENCES reports_WEEKNUM(id)"}', 'date_processed', 'TIMESTAMPTZ', false),
    ('raw_crashes', 4, '{uuid}', '{}', '{}', 'date_processed', 'TIMESTAMPTZ', true),
    ('processed_crashes', 5, '{uuid}', '{}', '{}', 'date_processed', 'TIMESTAMPTZ', true),
    ('missing_symbols', 6, '{}', '{"debug_file,debug_id"}', '{}', 'date_processed', 'DATE', false),
    -- reports_clean gets a million rows a day and each btree index costs ~3-7 us per row on
    -- insert: only the ones the report procedures and pages use (the day's range, a signature's
    -- and a version's crashes) instead of Socorro's 13 single-column ones. The day's range is a
    -- BRIN index: the rows of an hour or a day are written together, so each range of pages holds
    -- a short span of time, and it costs ~0.4 us a row against ~5.6 us for a btree (revision 1390)
    ('reports_clean', 7, '{uuid}',
     '{brin:date_processed,"signature_id,product_version_id,date_processed","product_version_id,date_processed"}',
     '{}', 'date_processed', 'TIMESTAMPTZ', false),
    ('reports_user_info', 8, '{uuid}', '{}', '{}', 'date_processed', 'TIMESTAMPTZ', false),
    -- the report-relevant raw-crash annotations, copied by update_reports_clean (emptied with raw_crashes)
    ('raw_crash_fields', 9, '{}', '{brin:date_processed}', '{}', 'date_processed', 'TIMESTAMPTZ', true)
ON CONFLICT DO NOTHING;

-- The signature summary tables of the report pipeline (issue 6), partitioned by report_date: their
-- unique key (signature_id, report_date first, carrying the counts: the signature summary page
-- reads it alone) is declared on each parent with INCLUDE, which the registry's keys cannot say;
-- here only the index of a version's rows. No index on report_date alone (a day's rows are
-- replaced once a day, a scan of the week's partition is cheaper than an index written for
-- every row).
INSERT INTO report_partition_info (table_name, build_order, keys, indexes, fkeys, partition_column, timetype) VALUES
    ('signature_summary_products', 20, '{}',
     '{"product_version_id,report_date"}', '{}', 'report_date', 'DATE'),
    ('signature_summary_installations', 21, '{}',
     '{"product_version_id,report_date"}', '{}', 'report_date', 'DATE'),
    ('signature_summary_uptime', 22, '{}',
     '{"product_version_id,report_date"}', '{}', 'report_date', 'DATE'),
    ('signature_summary_os', 23, '{}',
     '{"product_version_id,report_date"}', '{}', 'report_date', 'DATE'),
    ('signature_summary_process_type', 24, '{}',
     '{"product_version_id,report_date"}', '{}', 'report_date', 'DATE'),
    ('signature_summary_architecture', 25, '{}',
     '{"product_version_id,report_date"}', '{}', 'report_date', 'DATE'),
    ('signature_summary_flash_version', 26, '{}',
     '{"product_version_id,report_date"}', '{}', 'report_date', 'DATE'),
    ('signature_summary_device', 27, '{}',
     '{"product_version_id,report_date"}', '{}', 'report_date', 'DATE'),
    ('signature_summary_graphics', 28, '{}',
     '{"product_version_id,report_date"}', '{}', 'report_date', 'DATE')
ON CONFLICT DO NOTHING;
