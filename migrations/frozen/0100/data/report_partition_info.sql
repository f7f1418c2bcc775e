-- Seed rows (Socorro staticdata, plus reports_clean and reports_user_info, which Socorro
-- created on demand): the weekly-partitioned tables. raw_crashes and processed_crashes are
-- truncated after truncate_partitions' weeks_to_keep (Socorro's TruncatePartitionsCronApp).
-- Rerun-safe.
INSERT INTO report_partition_info (table_name, build_order, keys, indexes, fkeys, partition_column, timetype, truncate_old) VALUES
    ('reports', 1, '{id,uuid}', '{date_processed,hangid,"product,version",reason,signature,url}', '{}',
     'date_processed', 'TIMESTAMPTZ', false),
    ('plugins_reports', 2, '{"report_id,plugin_id"}', '{"report_id,date_processed"}',
     '{"(plugin_id) REFERENCES plugins(id)","(report_id) REFERENCES reports_WEEKNUM(id)"}',
     'date_processed', 'TIMESTAMPTZ', false),
    ('extensions', 3, '{"report_id,extension_key"}', '{"report_id,date_processed"}',
     '{"(report_id) REFERENCES reports_WEEKNUM(id)"}', 'date_processed', 'TIMESTAMPTZ', false),
    ('raw_crashes', 4, '{uuid}', '{}', '{}', 'date_processed', 'TIMESTAMPTZ', true),
    ('processed_crashes', 5, '{uuid}', '{}', '{}', 'date_processed', 'TIMESTAMPTZ', true),
    ('missing_symbols', 6, '{}', '{"debug_file,debug_id"}', '{}', 'date_processed', 'DATE', false),
    ('reports_clean', 7, '{uuid}',
     '{date_processed,product_version_id,os_name,os_version_id,signature_id,address_id,flash_version_id,hang_id,process_type,build_type,domain_id,"signature_id,product_version_id,date_processed","architecture,cores"}',
     '{}', 'date_processed', 'TIMESTAMPTZ', false),
    ('reports_user_info', 8, '{uuid}', '{}', '{}', 'date_processed', 'TIMESTAMPTZ', false)
ON CONFLICT DO NOTHING;
