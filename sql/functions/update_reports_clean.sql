-- update_reports_clean(fromtime timestamptz, fortime interval DEFAULT '1 hour',
--                      checkdata boolean DEFAULT true, analyze_it boolean DEFAULT true) -> boolean
-- The hourly ETL from reports to reports_clean (Socorro's rules) for [fromtime, fromtime+fortime):
--   * only processed reports (completed_datetime set); a period crossing a UTC week boundary is
--     done week by week; missing weekly partitions are created through the registry;
--   * normalisation: missing reason/address/flash_version/os_name become 'Unknown', signature
--     '', process_type 'browser'; "0.0.0 Linux " is cut from Linux OS versions; domain =
--     url2domain(url), cores = get_cores(cpu_info), architecture = cpu_name;
--   * lookups upserted with their first sighting: signatures (first_report, first_build),
--     reasons, addresses, flash_versions, domains, os_versions (major/minor under 1000, else 0);
--   * channel: release_channel (else update_channel) through release_channel_matches;
--     OS through os_name_matches (unmatched: 'Unknown' 0.0);
--   * product version: non-beta crashes by (product, version string, channel); ESR also as
--     "<version>esr"; beta crashes by (product, release version or version string) AND a build
--     id listed in product_version_builds, so a beta from an unknown build stays unmatched;
--   * duplicate_of from reports_duplicates; flash_process_dump from the raw crash
--     (FlashProcessDump) of plugin crashes;
--   * rows with no channel or no product version go to reports_bad with the reason, the others
--     to reports_clean; their email, url, comments and app notes (when any is non-blank) to
--     reports_user_info. reports_bad keeps the 2 days before the period;
--   * the period's raw crashes with report-relevant annotations (IsGarbageCollecting,
--     FlashProcessDump, Android_*, AdapterVendorID/AdapterDeviceID) are copied to
--     raw_crash_fields, which the daily procedures read instead of the raw documents.
-- Idempotent: the period's rows in reports_clean, reports_user_info, raw_crash_fields and reports_bad are
-- replaced, and the period is recorded in reports_clean_runs (reports_clean_done reads it).
-- checkdata refuses a period that has not ended yet (its crashes are still arriving); periods
-- longer than a day are refused (use backfill_reports_clean). analyze_it ANALYZEs a partition
-- once a fifth of it has changed since its last analysis. Returns true.
-- Parameter names are Socorro's (named-argument calls keep working). Nested loops are off for
-- its statements: the row estimates of freshly made temp tables are poor, and a nested loop
-- over a million rows is the one plan that must never be picked. JIT is off too: the cost
-- penalty of a disabled plan type would otherwise trigger half a second of compilation per query.
-- Callers: the reports-clean job (hourly, for the hour before last), backfill_reports_clean,
-- backfill_matviews, DBAs. Rerun-safe; concurrent runs are refused (advisory lock).
CREATE OR REPLACE FUNCTION update_reports_clean(
    fromtime timestamptz,
    fortime interval DEFAULT '1 hour',
    checkdata boolean DEFAULT true,
    analyze_it boolean DEFAULT true
)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET work_mem TO '256MB'
SET enable_nestloop TO off
SET jit TO off
AS $$
DECLARE
    v_end       timestamptz;
    v_week_end  timestamptz;
    v_clean     integer := 0;
    v_bad       integer := 0;
    v_user      integer := 0;
    v_part      text;
BEGIN
    IF fromtime IS NULL OR fortime IS NULL THEN
        RAISE EXCEPTION 'update_reports_clean: fromtime and fortime are required'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'SELECT update_reports_clean(''2026-11-20 13:00+00'')';
    END IF;
    IF fortime <= interval '0' OR fortime > interval '1 day' THEN
        RAISE EXCEPTION 'update_reports_clean: fortime must be more than 0 and at most 1 day, got %', fortime
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'for longer spans use backfill_reports_clean(begin, end)';
    END IF;
    v_end := fromtime + fortime;
    IF coalesce(checkdata, true) AND v_end > utc_now() THEN
        RAISE EXCEPTION 'update_reports_clean: the period % .. % has not ended yet', fromtime, v_end
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'crashes of it are still arriving; run it after ' || v_end || ' (or pass checkdata => false)';
    END IF;
    PERFORM matview_lock('update_reports_clean');

    -- one week at a time: each piece touches one partition of each table
    v_week_end := (week_begins_utc(fromtime) + 7)::timestamp AT TIME ZONE 'UTC';
    IF v_end > v_week_end THEN
        PERFORM update_reports_clean(fromtime, v_week_end - fromtime, checkdata, analyze_it);
        RETURN update_reports_clean(v_week_end, v_end - v_week_end, checkdata, analyze_it);
    END IF;
    SELECT l.clean_count, l.bad_count, l.user_info_count INTO v_clean, v_bad, v_user
      FROM reports_clean_load(fromtime, v_end) AS l;

    INSERT INTO reports_clean_runs (period_start, period_end, clean_count, bad_count, user_info_count, finished_at)
    VALUES (fromtime, v_end, v_clean, v_bad, v_user, clock_timestamp())
    ON CONFLICT (period_start, period_end) DO UPDATE
       SET clean_count = EXCLUDED.clean_count, bad_count = EXCLUDED.bad_count,
           user_info_count = EXCLUDED.user_info_count, finished_at = EXCLUDED.finished_at;

    IF v_clean + v_bad = 0 THEN
        RAISE NOTICE 'update_reports_clean: no processed reports in % .. %', fromtime, v_end;
    END IF;

    IF coalesce(analyze_it, true) AND v_clean > 0 THEN
        v_part := find_weekly_partition((fromtime AT TIME ZONE 'UTC')::date, 'reports_clean');
        IF EXISTS (SELECT 1 FROM pg_stat_user_tables t
                    WHERE t.relid = v_part::regclass
                      AND (t.last_analyze IS NULL AND t.last_autoanalyze IS NULL
                           OR t.n_mod_since_analyze > 0.2 * greatest(t.n_live_tup, 1000))) THEN
            EXECUTE format('ANALYZE %I', v_part);
        END IF;
    END IF;

    RETURN true;
END;
$$;
COMMENT ON FUNCTION update_reports_clean(timestamptz, interval, boolean, boolean) IS
'Normalises the processed reports of [fromtime, fromtime+fortime) into reports_clean (lookups, channel, OS, product version incl. beta build matching, duplicates), rejects to reports_bad, private fields to reports_user_info, raw-crash annotations to raw_crash_fields; logs the period in reports_clean_runs. Hourly reports-clean job / backfills; replaces the period, rerun-safe.';
