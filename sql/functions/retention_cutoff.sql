-- retention_cutoff(p_months integer DEFAULT 12, p_now timestamptz DEFAULT utc_now()) -> date
-- The Monday (UTC) of the week that was p_months months before p_now: the cutoff the weekly drop job
-- passes to drop_named_partitions (Socorro's DropOldPartitionsCronApp: one year).
-- Callers: the drop-old-partitions job, `crashstats partitions drop-old`. Read-only.
CREATE OR REPLACE FUNCTION retention_cutoff(p_months integer DEFAULT 12, p_now timestamptz DEFAULT utc_now())
RETURNS date
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_months IS NULL OR p_months < 0 THEN
        RAISE EXCEPTION 'retention_cutoff: months must be 0 or more (got %)', p_months
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN date_trunc('week', (p_now AT TIME ZONE 'UTC') - make_interval(months => p_months))::date;
END;
$$;
COMMENT ON FUNCTION retention_cutoff(integer, timestamptz) IS
'Monday (UTC) of the week the given number of months before p_now (default now): the drop_named_partitions cutoff for that retention. Read-only.';
