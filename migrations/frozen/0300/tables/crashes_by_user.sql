-- crashes_by_user: crashes and ADI per product version, day, OS and crash type (update_crashes_by_user).
CREATE TABLE crashes_by_user (
    product_version_id integer NOT NULL,
    report_date date NOT NULL,
    report_count integer NOT NULL DEFAULT 0,
    adu bigint NOT NULL DEFAULT 0,
    os_short_name citext NOT NULL,
    crash_type_id integer NOT NULL,
    PRIMARY KEY (product_version_id, report_date, os_short_name, crash_type_id)
);
CREATE INDEX crashes_by_user_report_date ON crashes_by_user (report_date);
COMMENT ON TABLE crashes_by_user IS 'Crashes (not throttle-adjusted) and ADI of the OS per product version, day, OS and crash type; crashes_by_user_view adds the throttle correction.';
