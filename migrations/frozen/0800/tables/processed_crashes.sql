-- processed_crashes: the full processed crash document (processor output, with json_dump).
CREATE TABLE processed_crashes (
    uuid uuid NOT NULL,
    processed_crash jsonb NOT NULL,
    date_processed timestamptz NOT NULL
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE processed_crashes IS 'Processed crash documents (jsonb, including the stackwalker''s json_dump), partitioned by week of date_processed.';
-- Super Search's equality on document fields (processed_crash @> '{"key": "value"}'), declared on
-- the parent so every weekly partition has it (issue 8).
CREATE INDEX processed_crashes_document ON processed_crashes USING gin (processed_crash jsonb_path_ops);
