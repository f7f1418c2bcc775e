-- build_adu: ADI per product version, build date, day and OS (update_build_adu).
CREATE TABLE build_adu (
    product_version_id integer NOT NULL,
    build_date date NOT NULL,
    adu_date date NOT NULL,
    os_name citext NOT NULL,
    adu_count integer NOT NULL,
    PRIMARY KEY (product_version_id, build_date, adu_date, os_name)
);
COMMENT ON TABLE build_adu IS 'Active Daily Installs per build date (nightly, aurora and rapid-beta builds, first 7 days).';
