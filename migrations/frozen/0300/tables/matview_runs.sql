-- matview_runs: one row per report procedure and UTC day it has completed (the readiness log).
-- Every daily update_X writes its row in the same transaction as its results, so
-- "has update_adu run for 2026-11-20?" is a lookup here rather than a guess from row counts
-- (a day may legitimately produce no rows). Procedures that need another one's output refuse
-- to run until that procedure's row exists; a rerun with checkdata returns early when its own
-- row exists.
CREATE TABLE matview_runs (
    proc_name text NOT NULL,
    report_date date NOT NULL,
    row_count bigint NOT NULL DEFAULT 0,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (proc_name, report_date)
);
COMMENT ON TABLE matview_runs IS 'Which report procedure (update_tcbs, update_adu, ...) has completed which UTC day, with how many rows and when; written by the procedures themselves, read by their readiness checks.';
