-- extensions: add-ons installed at crash time (legacy; add-ons also live in processed_crashes).
CREATE TABLE extensions (
    report_id bigint NOT NULL,
    date_processed timestamptz NOT NULL,
    extension_key integer NOT NULL,
    extension_id text NOT NULL,
    extension_version text,
    uuid text
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE extensions IS 'Add-ons of each crash (legacy flat form), partitioned by week with a foreign key to the week''s reports partition.';
