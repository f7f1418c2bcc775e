-- home_page_graph_build: home_page_graph per build date (update_home_page_graph_build).
CREATE TABLE home_page_graph_build (
    product_version_id integer NOT NULL,
    build_date date NOT NULL,
    report_date date NOT NULL,
    report_count integer NOT NULL DEFAULT 0,
    adu bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (product_version_id, build_date, report_date)
);
CREATE INDEX home_page_graph_build_report_date ON home_page_graph_build (report_date);
COMMENT ON TABLE home_page_graph_build IS 'Crashes and build ADI per product version, build date and day (nightly, aurora, rapid betas; first 7 days of a build); home_page_graph_build_view computes crash_hadu.';
