-- raw_adi: Active Daily Installs as received, one row per product/version/build/OS/channel/day.
-- Column order is the seed's: INSERT INTO raw_adi VALUES (15, '2014-01-01', 'KillerApp', ...).
CREATE TABLE raw_adi (
    adi_count integer,
    date date,
    product_name text,
    product_os_platform text,
    product_os_version text,
    product_version text,
    build text,
    product_guid text,
    update_channel text,
    received_at timestamptz DEFAULT now()
);
CREATE INDEX raw_adi_1_idx ON raw_adi (date, product_name, product_version, product_os_platform, product_os_version);
COMMENT ON TABLE raw_adi IS 'Active Daily Install counts as loaded (psql INSERT, crashstats adi load, fetch-adi job); update_adu aggregates them into product_adu.';
