-- update_tcbs(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour') -> boolean
-- Top Crashers By Signature for the UTC day: reports_clean rows of the day, inside their
-- version's [build_date, sunset_date] window, counted per (signature, product version,
-- process type, channel): all crashes; Windows / Mac OS X / Linux; with a hang id; with an
-- uptime under a minute (startup); and during garbage collection (the raw crash's
-- IsGarbageCollecting = '1', from raw_crash_fields). Rapid-beta parents get the sum of their betas.
-- Then the top crashers windows ending on the day are ranked (update_tcbs_ranks, 'report') and
-- those ending on the 55 days after it, if ranked before, dropped (read computed again); windows
-- ending more than eight weeks before the newest ranked day are forgotten (prune_tcbs_ranks).
-- Needs reports_clean complete for the day. Returns false when already done (checkdata);
-- otherwise replaces the day.
-- Callers: the tcbs job (daily), backfill_tcbs, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_tcbs(updateday date, checkdata boolean DEFAULT true, check_period interval DEFAULT '1 hour')
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET work_mem TO '256MB'
AS $$
DECLARE
    v_start timestamptz := updateday::timestamp AT TIME ZONE 'UTC';
    v_end   timestamptz := (updateday + 1)::timestamp AT TIME ZONE 'UTC';
    v_rows  bigint;
BEGIN
    IF NOT matview_begin('update_tcbs', updateday, checkdata, check_period, 'reports_clean') THEN
        RETURN false;
    END IF;

    CREATE TEMP TABLE tcbs_gc ON COMMIT DROP AS
    SELECT DISTINCT f.uuid
      FROM raw_crash_fields f
     WHERE f.date_processed >= v_start AND f.date_processed < v_end
       AND f.is_garbage_collecting;

    DELETE FROM tcbs WHERE report_date = updateday;
    INSERT INTO tcbs (signature_id, report_date, product_version_id, process_type, release_channel,
                      report_count, win_count, mac_count, lin_count, hang_count, startup_count, is_gc_count,
                      build_type)
    SELECT rc.signature_id, updateday, rc.product_version_id, rc.process_type, rc.release_channel,
           count(*),
           count(*) FILTER (WHERE rc.os_name = 'Windows'),
           count(*) FILTER (WHERE rc.os_name = 'Mac OS X'),
           count(*) FILTER (WHERE rc.os_name = 'Linux'),
           count(rc.hang_id),
           count(*) FILTER (WHERE rc.uptime < interval '1 minute'),
           count(gc.uuid),
           rc.build_type
      FROM reports_clean rc
      JOIN product_versions pv ON pv.product_version_id = rc.product_version_id
      LEFT JOIN tcbs_gc gc ON gc.uuid = rc.uuid
     WHERE rc.date_processed >= v_start AND rc.date_processed < v_end
       AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)
     GROUP BY rc.signature_id, rc.product_version_id, rc.process_type, rc.release_channel, rc.build_type;
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    INSERT INTO tcbs (signature_id, report_date, product_version_id, process_type, release_channel,
                      report_count, win_count, mac_count, lin_count, hang_count, startup_count, is_gc_count,
                      build_type)
    SELECT t.signature_id, updateday, pv.rapid_beta_id, t.process_type, t.release_channel,
           sum(t.report_count), sum(t.win_count), sum(t.mac_count), sum(t.lin_count), sum(t.hang_count),
           sum(t.startup_count), sum(t.is_gc_count), t.build_type
      FROM tcbs t
      JOIN product_versions pv ON pv.product_version_id = t.product_version_id
     WHERE t.report_date = updateday AND pv.rapid_beta_id IS NOT NULL
     GROUP BY t.signature_id, pv.rapid_beta_id, t.process_type, t.release_channel, t.build_type;

    DROP TABLE pg_temp.tcbs_gc;
    -- the top crashers page's windows: those ending on the day ranked (update_tcbs_ranks); the
    -- windows ending on the 55 days after it (their previous window included) that were ranked
    -- before count this day again, so they go back to being computed when read
    DELETE FROM tcbs_ranks
     WHERE date_range_type = 'report' AND end_date > updateday AND end_date <= updateday + 55;
    DELETE FROM tcbs_rank_days
     WHERE date_range_type = 'report' AND end_date > updateday AND end_date <= updateday + 55;
    PERFORM update_tcbs_ranks(updateday, updateday, 'report');
    PERFORM prune_tcbs_ranks();  -- eight weeks of ranked windows; older end days are computed
    RETURN matview_finish('update_tcbs', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_tcbs(date, boolean, interval) IS
'Fills tcbs for a day: crashes per signature, version, process type and channel with OS, hang, startup and GC counts, plus rapid-beta parent sums, then the top crashers ranks of the windows ending on the day (update_tcbs_ranks), keeping eight weeks of them (prune_tcbs_ranks). TCBS job / backfill_matviews; needs reports_clean; replaces the day, rerun-safe.';
