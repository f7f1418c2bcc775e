-- same_time_fuzzy(p_date1, p_date2 timestamptz, p_interval_secs1, p_interval_secs2 integer) -> boolean
-- Could two crashes with these client dates and these uptimes (or install ages) be the same
-- event? True when either interval is unknown (do not exclude crashes missing data), false
-- when either is negative, else true when the two dates and the two intervals differ by the
-- same amount within 60 seconds. Callers: update_reports_duplicates. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION same_time_fuzzy(
    p_date1 timestamptz,
    p_date2 timestamptz,
    p_interval_secs1 integer,
    p_interval_secs2 integer
)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN p_interval_secs1 IS NULL OR p_interval_secs2 IS NULL THEN true
        WHEN p_interval_secs1 < 0 OR p_interval_secs2 < 0 THEN false
        WHEN p_date1 IS NULL OR p_date2 IS NULL THEN true
        ELSE (extract(epoch FROM (p_date2 - p_date1)) - (p_interval_secs2 - p_interval_secs1)) BETWEEN -60 AND 60
    END;
$$;
COMMENT ON FUNCTION same_time_fuzzy(timestamptz, timestamptz, integer, integer) IS
'Duplicate test: true when (date2-date1) and (secs2-secs1) agree within 60 s, or when an interval is unknown; false for negative intervals. Pure helper of update_reports_duplicates.';
