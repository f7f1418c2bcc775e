-- gccrashes: garbage-collection crashes per million build ADI, per nightly build and day (update_gccrashes).
CREATE TABLE gccrashes (
    report_date date NOT NULL,
    product_version_id integer NOT NULL,
    build numeric NOT NULL,
    gc_count integer NOT NULL DEFAULT 0,
    adu bigint NOT NULL DEFAULT 0,
    gc_count_madu numeric(12, 3) NOT NULL DEFAULT 0,
    PRIMARY KEY (report_date, product_version_id, build)
);
COMMENT ON TABLE gccrashes IS 'Nightly builds (first 7 days): crashes during garbage collection (IsGarbageCollecting=1), the build date''s ADI and gc_count_madu = gc crashes per million ADI.';
