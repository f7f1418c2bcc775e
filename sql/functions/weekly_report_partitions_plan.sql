-- weekly_report_partitions_plan(p_numweeks int DEFAULT 2, p_targetdate timestamptz DEFAULT utc_now())
--   -> TABLE (table_name text, week_begins date, engine text)
-- What weekly_report_partitions(p_numweeks, p_targetdate) would create: the missing
-- (table, week) pairs for the week of p_targetdate (UTC) and the p_numweeks weeks after it,
-- in creation order. pg_partman may premake further weeks of its tables on top.
-- Callers: `crashstats partitions create --dry-run`, `crashstats setup admin --dry-run`. Read-only.
CREATE OR REPLACE FUNCTION weekly_report_partitions_plan(p_numweeks integer DEFAULT 2,
                                                         p_targetdate timestamptz DEFAULT utc_now())
RETURNS TABLE (table_name text, week_begins date, engine text)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_numweeks IS NULL OR p_numweeks < 0 OR p_targetdate IS NULL THEN
        RAISE EXCEPTION 'weekly_report_partitions_plan: numweeks must be 0 or more and targetdate given (got %, %)',
                        p_numweeks, p_targetdate
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY SELECT * FROM missing_weekly_partitions(week_begins_utc(p_targetdate),
                                                         week_begins_utc(p_targetdate) + 7 * p_numweeks);
END;
$$;
COMMENT ON FUNCTION weekly_report_partitions_plan(integer, timestamptz) IS
'Dry run of weekly_report_partitions(numweeks, targetdate): the missing (table, week, engine) it would create, in order (pg_partman may premake more). Read-only.';
