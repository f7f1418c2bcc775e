-- get_cores(p_cpu_info text) -> integer
-- The CPU count the processor appends to cpu_info as "<cpu_info> | <cpu_count>", else NULL.
-- String functions rather than a regex, and not STRICT, so it is inlined and cheap per row.
-- Callers: update_reports_clean. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION get_cores(p_cpu_info text)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN strpos(p_cpu_info, '| ') > 0 AND split_part(p_cpu_info, '| ', -1) ~ '^[0-9]+$'
                     AND length(split_part(p_cpu_info, '| ', -1)) <= 9
                THEN split_part(p_cpu_info, '| ', -1)::integer END;
$$;
COMMENT ON FUNCTION get_cores(text) IS
'CPU core count from a processed cpu_info ("GenuineIntel family 6 ... | 4" -> 4), NULL when absent. Pure helper.';
