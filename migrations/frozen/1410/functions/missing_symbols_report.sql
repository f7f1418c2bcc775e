-- missing_symbols_report(p_days integer DEFAULT 7, p_include_uploaded boolean DEFAULT false,
--                        p_now timestamptz DEFAULT utc_now())
--   -> TABLE(debug_file, debug_id, code_file, code_id, first_seen date, last_seen date,
--            days_seen integer, uploaded boolean)
-- The modules the processor had no symbols for (missing_symbols) on the p_days days up to
-- p_now, one row per (debug_file, debug_id), most recently seen first; modules whose symbols
-- are in the store since (symbols_files) are left out unless p_include_uploaded.
-- Callers: the web's missing-symbols page (/missingsymbols/, .csv, .json). Read-only.
CREATE OR REPLACE FUNCTION missing_symbols_report(
    p_days integer DEFAULT 7,
    p_include_uploaded boolean DEFAULT false,
    p_now timestamptz DEFAULT utc_now()
)
RETURNS TABLE (
    debug_file text, debug_id text, code_file text, code_id text,
    first_seen date, last_seen date, days_seen integer, uploaded boolean
)
LANGUAGE plpgsql
STABLE
SET "TimeZone" TO 'UTC'
AS $$
BEGIN
    IF p_days IS NULL OR p_days < 1 OR p_days > 366 THEN
        RAISE EXCEPTION 'missing_symbols_report: days must be between 1 and 366, not %', p_days
            USING ERRCODE = 'invalid_parameter_value', HINT = '?days=7';
    END IF;
    RETURN QUERY
    SELECT m.debug_file, m.debug_id,
           (array_agg(m.code_file ORDER BY m.date_processed DESC) FILTER (WHERE m.code_file IS NOT NULL))[1],
           (array_agg(m.code_id ORDER BY m.date_processed DESC) FILTER (WHERE m.code_id IS NOT NULL))[1],
           min(m.date_processed), max(m.date_processed), count(*)::integer,
           EXISTS (SELECT 1 FROM symbols_files s
                    WHERE s.debug_file = m.debug_file AND s.debug_id = m.debug_id)
      FROM missing_symbols m
     WHERE m.date_processed > (coalesce(p_now, utc_now()) - make_interval(days => p_days))::date
       AND m.date_processed <= coalesce(p_now, utc_now())::date
     GROUP BY m.debug_file, m.debug_id
    HAVING p_include_uploaded
        OR NOT EXISTS (SELECT 1 FROM symbols_files s
                        WHERE s.debug_file = m.debug_file AND s.debug_id = m.debug_id)
     ORDER BY max(m.date_processed) DESC, count(*) DESC, m.debug_file, m.debug_id;
END;
$$;
COMMENT ON FUNCTION missing_symbols_report(integer, boolean, timestamptz) IS
'Modules seen without symbols in the last p_days days (first/last day, days seen, whether uploaded since), the list of symbols worth uploading. Called by the web''s missing-symbols page; read-only.';
