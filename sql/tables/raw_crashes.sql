-- raw_crashes: the raw crash JSON (annotations plus collector fields) as the collector stored it.
CREATE TABLE raw_crashes (
    uuid uuid NOT NULL,
    raw_crash jsonb NOT NULL,
    date_processed timestamptz NOT NULL
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE raw_crashes IS 'Raw crash annotations as received (collector), partitioned by week of date_processed (the submission time). Truncated after truncate_partitions'' retention.';
