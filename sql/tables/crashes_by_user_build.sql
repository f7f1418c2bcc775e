-- crashes_by_user_build: crashes_by_user per build date (update_crashes_by_user_build).
CREATE TABLE crashes_by_user_build (
    product_version_id integer NOT NULL,
    build_date date NOT NULL,
    report_date date NOT NULL,
    report_count integer NOT NULL DEFAULT 0,
    adu bigint NOT NULL DEFAULT 0,
    os_short_name citext NOT NULL,
    crash_type_id integer NOT NULL,
    PRIMARY KEY (product_version_id, build_date, report_date, os_short_name, crash_type_id)
);
CREATE INDEX crashes_by_user_build_report_date ON crashes_by_user_build (report_date);
COMMENT ON TABLE crashes_by_user_build IS 'Crashes and build ADI per product version, build date, day, OS and crash type (nightly, aurora, rapid betas; first 7 days of a build).';
