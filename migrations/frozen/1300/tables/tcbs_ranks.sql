-- tcbs_ranks: the top crashers page pre-ranked (update_tcbs_ranks): per window end day, window
-- length (1, 3, 7, 14, 28 days), date range type ('report': tcbs by crash day, 'build': tcbs_build
-- by build date), product version, crash type ('all', 'browser', 'plugin', 'content') and OS
-- filter ('any', 'Windows', 'Mac OS X', 'Linux'), the first 500 signatures (the page's largest
-- result count) in rank order with everything top_crashers_for computes from the counts: the
-- previous window's rank and share (ranked over all its signatures), the window's counts and
-- total. The top_crashers view reads it for the end days listed in tcbs_rank_days and adds the
-- signature's name, first report, versions and bugs when it is read.
CREATE TABLE tcbs_ranks (
    product_version_id integer NOT NULL,
    end_date date NOT NULL,
    days smallint NOT NULL,
    date_range_type text NOT NULL,
    crash_type text NOT NULL,
    os_name text NOT NULL,
    rank integer NOT NULL,
    signature_id integer NOT NULL,
    previous_rank integer,
    report_count integer NOT NULL,
    percent_of_total numeric NOT NULL,
    previous_percent_of_total numeric,
    percent_change numeric,
    win_count integer NOT NULL,
    mac_count integer NOT NULL,
    lin_count integer NOT NULL,
    hang_count integer NOT NULL,
    plugin_count integer NOT NULL,
    content_count integer NOT NULL,
    startup_count integer NOT NULL,
    startup_percent numeric,
    is_gc_count integer NOT NULL,
    total_crashes bigint NOT NULL,
    PRIMARY KEY (product_version_id, end_date, days, crash_type, os_name, date_range_type, rank)
);
CREATE INDEX tcbs_ranks_end_date ON tcbs_ranks (end_date, date_range_type);
COMMENT ON TABLE tcbs_ranks IS 'Top crashers page per window end day, length (1/3/7/14/28 days), report/build date, version, crash type and OS filter: the first 500 signatures ranked, with the previous window''s rank and share and the window''s counts. Written by update_tcbs_ranks; read by the top_crashers view.';
