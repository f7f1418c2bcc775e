-- tcbs_ranks: the top crashers page pre-ranked (update_tcbs_ranks): per window end day, window
-- length (1, 3, 7, 14, 28 days), date range type ('report': tcbs by crash day, 'build': tcbs_build
-- by build date), product version, crash type ('all', 'browser', 'plugin', 'content') and OS
-- filter ('any', 'Windows', 'Mac OS X', 'Linux'), one row holding the first 500 signatures (the
-- page's largest result count) in rank order as parallel arrays (element i = rank i): the
-- signature, its rank and measure in the previous window of equal length (ranked over all of
-- that window's signatures; NULL when it had no crash then) and its counts in the window, with
-- both windows' totals of the measure (all crashes, or the OS's). One row per window rather
-- than per signature: about 50 bytes per ranked signature instead of ~220, and one index entry.
-- The top_crashers view reads it for the end days listed in tcbs_rank_days, computes the shares
-- as top_crashers_for does, and adds the signature's name, first report, versions and bugs.
CREATE TABLE tcbs_ranks (
    product_version_id integer NOT NULL,
    end_date date NOT NULL,
    days smallint NOT NULL,
    date_range_type text NOT NULL,
    crash_type text NOT NULL,
    os_name text NOT NULL,
    total_crashes bigint NOT NULL,
    previous_total bigint,
    signature_ids integer[] NOT NULL,
    previous_ranks integer[] NOT NULL,
    previous_measures integer[] NOT NULL,
    report_counts integer[] NOT NULL,
    win_counts integer[] NOT NULL,
    mac_counts integer[] NOT NULL,
    lin_counts integer[] NOT NULL,
    hang_counts integer[] NOT NULL,
    plugin_counts integer[] NOT NULL,
    content_counts integer[] NOT NULL,
    startup_counts integer[] NOT NULL,
    is_gc_counts integer[] NOT NULL,
    PRIMARY KEY (product_version_id, end_date, days, crash_type, os_name, date_range_type)
);
CREATE INDEX tcbs_ranks_end_date ON tcbs_ranks (end_date, date_range_type);
COMMENT ON TABLE tcbs_ranks IS 'Top crashers page per window end day, length (1/3/7/14/28 days), report/build date, version, crash type and OS filter: the first 500 signatures in rank order as parallel arrays, with their previous-window rank and measure and their counts, and both windows'' totals. Written by update_tcbs_ranks; read by the top_crashers view.';
