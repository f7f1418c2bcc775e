-- product_adu: ADI per product version, day and OS (update_adu).
CREATE TABLE product_adu (
    product_version_id integer NOT NULL,
    adu_date date NOT NULL,
    adu_count bigint NOT NULL DEFAULT 0,
    os_name citext NOT NULL,
    PRIMARY KEY (product_version_id, adu_date, os_name)
);
CREATE INDEX product_adu_adu_date ON product_adu (adu_date);
COMMENT ON TABLE product_adu IS 'Active Daily Installs per product version, day and OS; versions with no ADI get 0 rows.';
