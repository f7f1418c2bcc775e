-- backfill_home_page_graph_build(updateday date) -> boolean
-- Recomputes the day even if it was done: update_home_page_graph_build(updateday, false), which replaces the
-- day's rows (same inputs, same results). Callers: DBAs, the job runner's backfills. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_home_page_graph_build(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_home_page_graph_build(updateday, false);
$$;
COMMENT ON FUNCTION backfill_home_page_graph_build(date) IS
'Reruns update_home_page_graph_build for a day, replacing its rows. DBAs / job runner backfills; rerun-safe.';
