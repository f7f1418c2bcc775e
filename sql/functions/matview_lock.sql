-- matview_lock(p_proc_name text) -> void
-- Takes the transaction-scoped advisory lock of one report procedure without waiting; raises
-- lock_not_available when another session holds it, so two overlapping runs of the same
-- procedure (a cron run and a backfill, two cron hosts) can never both write and double-count.
-- Re-entrant within a session: backfill_X may call update_X inside the same transaction.
-- Callers: every update_* / backfill_* report procedure. Rerun-safe.
CREATE OR REPLACE FUNCTION matview_lock(p_proc_name text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('crashstats.matview'), hashtext(p_proc_name)) THEN
        RAISE EXCEPTION '% is already running in another session', p_proc_name
            USING ERRCODE = 'lock_not_available',
                  HINT = 'wait for that run to commit, then rerun; see pg_locks (locktype advisory) and pg_stat_activity';
    END IF;
END;
$$;
COMMENT ON FUNCTION matview_lock(text) IS
'Takes the advisory lock of a report procedure for the rest of the transaction, or raises lock_not_available (55P03) when another session runs it. Called by every report procedure; rerun-safe.';
