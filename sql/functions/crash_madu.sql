-- crash_madu(p_crashes numeric, p_adu numeric, p_throttle numeric DEFAULT 1.0) -> numeric(12,3)
-- Crashes per million Active Daily Installs, corrected for throttling; 0 without ADI.
-- Callers: update_explosiveness, update_gccrashes. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION crash_madu(p_crashes numeric, p_adu numeric, p_throttle numeric DEFAULT 1.0)
RETURNS numeric(12, 3)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN coalesce(p_adu, 0) = 0 THEN 0::numeric(12, 3)
        ELSE round((coalesce(p_crashes, 0) * 1000000 / p_adu) / coalesce(nullif(p_throttle, 0), 1.0), 3)
    END;
$$;
COMMENT ON FUNCTION crash_madu(numeric, numeric, numeric) IS
'Crashes per million ADI corrected for throttling: round(crashes*1e6/adu/throttle, 3); 0 without ADI. Pure helper.';
