-- crash_hadu(p_crashes numeric, p_adu numeric, p_throttle numeric DEFAULT 1.0) -> numeric(12,3)
-- Crashes per 100 Active Daily Installs, corrected for throttling:
-- round(crashes * 100 / adu / throttle, 3); 0 when there is no ADI. A NULL or zero throttle
-- counts as 1.0 (no throttling) rather than dividing by zero. One numeric signature (Socorro
-- had bigint and numeric overloads, which made crash_hadu(10, 1000) ambiguous in psql).
-- Callers: update_home_page_graph, home_page_graph_build_view, report views. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION crash_hadu(p_crashes numeric, p_adu numeric, p_throttle numeric DEFAULT 1.0)
RETURNS numeric(12, 3)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN coalesce(p_adu, 0) = 0 THEN 0::numeric(12, 3)
        ELSE round((coalesce(p_crashes, 0) * 100 / p_adu) / coalesce(nullif(p_throttle, 0), 1.0), 3)
    END;
$$;
COMMENT ON FUNCTION crash_hadu(numeric, numeric, numeric) IS
'Crashes per 100 ADI corrected for throttling: round(crashes*100/adu/throttle, 3); 0 without ADI; a NULL or 0 throttle counts as 1. Pure helper.';
