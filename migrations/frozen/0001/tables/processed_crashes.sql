-- processed_crashes: the full processed crash document (processor output, with json_dump).
CREATE TABLE processed_crashes (
    uuid uuid NOT NULL,
    processed_crash jsonb NOT NULL,
    date_processed timestamptz NOT NULL
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE processed_crashes IS 'Processed crash documents (jsonb, including the stackwalker''s json_dump), partitioned by week of date_processed.';
