-- reports: the flat processed-crash row, one per crash; weekly range partitions on date_processed.
-- Partitions (reports_YYYYMMDD) and their per-partition unique keys and indexes come from
-- report_partition_info; the parent has none because a partitioned table's unique keys must
-- include the partition column.
CREATE TABLE reports (
    id bigserial NOT NULL,
    uuid character varying(50) NOT NULL,
    client_crash_date timestamptz,
    date_processed timestamptz NOT NULL,
    product character varying(30),
    version character varying(16),
    build character varying(30),
    signature character varying(255),
    url character varying(255),
    install_age integer,
    last_crash integer,
    uptime integer,
    cpu_name character varying(100),
    cpu_info character varying(100),
    reason character varying(255),
    address character varying(20),
    os_name character varying(100),
    os_version character varying(100),
    email character varying(100),
    user_id character varying(50),
    started_datetime timestamptz,
    completed_datetime timestamptz,
    success boolean,
    truncated boolean,
    processor_notes text,
    user_comments character varying(1024),
    app_notes character varying(1024),
    distributor character varying(20),
    distributor_version character varying(20),
    topmost_filenames text,
    addons_checked boolean,
    flash_version text,
    hangid text,
    process_type text,
    release_channel text,
    productid text,
    exploitability text,
    update_channel text
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE reports IS 'One row per processed crash (written by the processor), partitioned by week of date_processed. email, url, user_id and user_comments are private data.';
-- Super Search's "contains" (~) on signatures: a trigram index, declared on the parent so every
-- weekly partition has it (issue 8).
CREATE INDEX reports_signature_trgm ON reports USING gin (signature gin_trgm_ops);
-- The signature report's comments tab: a signature's crashes that carry a user comment (a few
-- in a hundred), newest first, and how many there are, without reading the others.
CREATE INDEX reports_signature_comments ON reports (signature, date_processed)
    WHERE user_comments IS NOT NULL AND user_comments <> '';
-- The signature report's URLs tab (signature_urls): a signature's crashes that were on a URL,
-- with the URL and the product and version it may be narrowed to, so the counts per URL are
-- read from the index alone, also on a prepared statement's generic plan (a top signature has
-- ~100 k crashes a week).
CREATE INDEX reports_signature_urls ON reports (signature, date_processed) INCLUDE (url, product, version)
    WHERE url IS NOT NULL AND url <> '';
