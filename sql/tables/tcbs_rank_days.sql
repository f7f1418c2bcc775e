-- tcbs_rank_days: the window end days (per date range type) whose top crasher ranks
-- update_tcbs_ranks has stored in tcbs_ranks; the top_crashers view reads tcbs_ranks for those
-- and computes other end days from tcbs / tcbs_build (top_crashers_for).
CREATE TABLE tcbs_rank_days (
    end_date date NOT NULL,
    date_range_type text NOT NULL CHECK (date_range_type IN ('report', 'build')),
    computed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (end_date, date_range_type)
);
COMMENT ON TABLE tcbs_rank_days IS 'End days (per report/build date range type) stored in tcbs_ranks by update_tcbs_ranks; the top_crashers view reads tcbs_ranks only for these.';
