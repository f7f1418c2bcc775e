-- truncate_partitions_now(p_partitions text[], p_dry_run boolean DEFAULT false) -> void
-- TRUNCATEs the given partitions in one statement after locking each with NOWAIT retries
-- (try_lock_table); a foreign key from a partition left out stops it with a hint. Does nothing
-- for an empty list or a dry run.
-- Callers: truncate_partitions (one call per week). Rerun-safe.
CREATE OR REPLACE FUNCTION truncate_partitions_now(p_partitions text[], p_dry_run boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_part text;
BEGIN
    IF coalesce(cardinality(p_partitions), 0) = 0 OR coalesce(p_dry_run, false) THEN
        RETURN;
    END IF;
    FOREACH v_part IN ARRAY p_partitions LOOP
        IF NOT try_lock_table(v_part, 'ACCESS EXCLUSIVE') THEN
            RAISE EXCEPTION 'truncate_partitions: % stayed busy; nothing truncated for its week', v_part
                USING ERRCODE = 'lock_not_available',
                      HINT = 'run it again when long queries on the table are done';
        END IF;
    END LOOP;
    BEGIN
        EXECUTE 'TRUNCATE ' || (SELECT string_agg(format('public.%I', p), ', ') FROM unnest(p_partitions) AS p);
    EXCEPTION WHEN feature_not_supported THEN
        RAISE EXCEPTION 'truncate_partitions: cannot truncate %: %', array_to_string(p_partitions, ', '), SQLERRM
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'mark the referencing table truncate_old too (with the same truncate_after_weeks) so both are truncated together';
    END;
    RAISE NOTICE 'truncated %', array_to_string(p_partitions, ', ');
END;
$$;
COMMENT ON FUNCTION truncate_partitions_now(text[], boolean) IS
'Locks (NOWAIT retries) and truncates the given partitions in one statement; nothing on an empty list or dry run. Called by truncate_partitions; rerun-safe.';
