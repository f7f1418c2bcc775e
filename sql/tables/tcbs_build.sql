-- tcbs_build: tcbs per build date (update_tcbs_build): nightly and aurora versions and
-- rapid-beta parents, crashes in the first 7 days of each build.
CREATE TABLE tcbs_build (
    signature_id integer NOT NULL,
    build_date date NOT NULL,
    report_date date NOT NULL,
    product_version_id integer NOT NULL,
    process_type citext NOT NULL,
    release_channel citext NOT NULL,
    report_count integer NOT NULL DEFAULT 0,
    win_count integer NOT NULL DEFAULT 0,
    mac_count integer NOT NULL DEFAULT 0,
    lin_count integer NOT NULL DEFAULT 0,
    hang_count integer NOT NULL DEFAULT 0,
    startup_count integer NOT NULL DEFAULT 0,
    is_gc_count integer NOT NULL DEFAULT 0,
    build_type build_type,
    PRIMARY KEY (signature_id, build_date, report_date, product_version_id, process_type, release_channel)
);
CREATE INDEX tcbs_build_product_version_build_date ON tcbs_build (product_version_id, build_date);
CREATE INDEX tcbs_build_report_date ON tcbs_build (report_date);
COMMENT ON TABLE tcbs_build IS 'tcbs by build date for nightly, aurora and rapid-beta builds (first 7 days of each build); the top crashers report by build date sums it.';
