-- get_cores(p_cpu_info text) -> integer
-- The CPU count the processor appends to cpu_info as "<cpu_info> | <cpu_count>", else NULL.
-- Callers: update_reports_clean. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION get_cores(p_cpu_info text)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT substring(p_cpu_info FROM '\| (\d{1,9})$')::integer;
$$;
COMMENT ON FUNCTION get_cores(text) IS
'CPU core count from a processed cpu_info ("GenuineIntel family 6 ... | 4" -> 4), NULL when absent. Pure helper.';
