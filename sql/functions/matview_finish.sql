-- matview_finish(p_proc_name text, p_day date, p_rows bigint) -> boolean
-- Records in matview_runs that a report procedure completed a day (in the caller's
-- transaction, so the mark commits with the results); returns true.
-- Callers: update_* procedures, last statement. Rerun-safe (upsert).
CREATE OR REPLACE FUNCTION matview_finish(p_proc_name text, p_day date, p_rows bigint)
RETURNS boolean
LANGUAGE sql
AS $$
    INSERT INTO matview_runs (proc_name, report_date, row_count, started_at, finished_at)
    VALUES (p_proc_name, p_day, coalesce(p_rows, 0), now(), clock_timestamp())
    ON CONFLICT (proc_name, report_date)
    DO UPDATE SET row_count = EXCLUDED.row_count, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at
    RETURNING true;
$$;
COMMENT ON FUNCTION matview_finish(text, date, bigint) IS
'Marks a report procedure''s day as done in matview_runs (row count, start = transaction start, finish time). Called by update_* procedures; rerun-safe.';
