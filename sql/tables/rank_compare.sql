-- rank_compare: each signature's rank within its product version for the latest day (update_rank_compare).
CREATE TABLE rank_compare (
    product_version_id integer NOT NULL,
    signature_id integer NOT NULL,
    rank_days integer NOT NULL,
    report_count integer NOT NULL,
    total_reports bigint NOT NULL,
    rank_report_count integer NOT NULL,
    percent_of_total numeric NOT NULL,
    report_date date NOT NULL,
    PRIMARY KEY (product_version_id, signature_id, rank_days)
);
CREATE INDEX rank_compare_signature_id ON rank_compare (signature_id);
COMMENT ON TABLE rank_compare IS 'Rank (dense, by crash count) and share of every signature within its product version over the last rank_days days ending on report_date; replaced on each run.';
