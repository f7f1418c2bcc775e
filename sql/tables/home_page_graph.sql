-- home_page_graph: crashes, ADI and crashes per 100 ADI per product version and day (update_home_page_graph).
CREATE TABLE home_page_graph (
    product_version_id integer NOT NULL,
    report_date date NOT NULL,
    report_count integer NOT NULL DEFAULT 0,
    adu bigint NOT NULL DEFAULT 0,
    crash_hadu numeric(12, 3) NOT NULL DEFAULT 0,
    PRIMARY KEY (product_version_id, report_date)
);
CREATE INDEX home_page_graph_report_date ON home_page_graph (report_date);
COMMENT ON TABLE home_page_graph IS 'Per product version and day: crashes counted in aggregates (crash types with include_agg), ADI, and crash_hadu = crashes x 100 / ADI / throttle.';
