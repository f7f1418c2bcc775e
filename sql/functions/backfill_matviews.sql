-- backfill_matviews(firstday date, lastday date DEFAULT NULL, reportsclean boolean DEFAULT true) -> boolean
-- Rebuilds every report for the UTC days firstday..lastday, in report_chain() order:
--   1. update_product_versions (with a window reaching back before firstday);
--   2. with reportsclean: update_reports_duplicates for each day, then backfill_reports_clean
--      over the whole range;
--   3. for each day, every daily step recomputed (backfill_X = update_X(day, false)), with a
--      NOTICE "backfill_matviews: day N of M (YYYY-MM-DD)" before it (the CLI's progress bar);
--   4. the exploitability page's windows ending on the 27 days after lastday, when reported
--      (update_exploitability refreshes only those ending on its day here), then the 'final'
--      steps (rank_compare) for lastday.
-- lastday defaults to yesterday and is clamped to the last day with raw_adi (as in Socorro:
-- later days have no ADI yet); a range ending before firstday, starting on a day that is not
-- over, or with no ADI at all is refused with that reason. Everything runs in
-- the caller's transaction: an error leaves no day half-done.
-- Callers: DBAs, `crashstats reports backfill`, crashstats demo. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_matviews(
    firstday date,
    lastday date DEFAULT NULL,
    reportsclean boolean DEFAULT true
)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_last     date := least(coalesce(lastday, utc_today() - 1), utc_today() - 1);
    v_last_adi date;
    v_day      date;
    v_days     integer;
    v_n        integer := 0;
    v_step     record;
    v_later    date;
BEGIN
    IF firstday IS NULL THEN
        RAISE EXCEPTION 'backfill_matviews: firstday is required'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'SELECT backfill_matviews(''2026-11-01'', ''2026-11-20'')';
    END IF;
    IF lastday < firstday THEN
        RAISE EXCEPTION 'backfill_matviews: the range ends (%) before it begins (%)', lastday, firstday
            USING ERRCODE = 'invalid_parameter_value', HINT = 'give the first day, then the last';
    END IF;
    IF firstday > v_last THEN
        RAISE EXCEPTION 'backfill_matviews: % is not over', CASE WHEN coalesce(lastday, firstday) = firstday THEN firstday::text
                                                                ELSE format('%s .. %s', firstday, lastday) END
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('a day is backfilled once it has ended (UTC); the last one that can be now is %s', v_last);
    END IF;
    SELECT max(a.date) INTO v_last_adi FROM raw_adi a WHERE a.date <= v_last;
    IF v_last_adi IS NULL OR v_last_adi < firstday THEN
        RAISE EXCEPTION 'backfill_matviews: no ADI loaded yet for %', CASE WHEN firstday = v_last THEN firstday::text
                                                                          ELSE format('%s .. %s', firstday, v_last) END
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = coalesce(format('raw_adi ends on %s; ', v_last_adi), 'raw_adi is empty; ')
                         || 'load the Active Daily Installs of those days into raw_adi first (crashstats adi load, or the fetch-adi job)';
    END IF;
    IF v_last_adi < v_last THEN
        RAISE NOTICE 'backfill_matviews: raw_adi ends on %, backfilling % .. % only', v_last_adi, firstday, v_last_adi;
        v_last := v_last_adi;
    END IF;
    v_days := v_last - firstday + 1;

    PERFORM update_product_versions(greatest(30, utc_today() - firstday + 126));
    IF coalesce(reportsclean, true) THEN
        FOR v_day IN SELECT generate_series(firstday, v_last, interval '1 day')::date LOOP
            PERFORM update_reports_duplicates(v_day::timestamp AT TIME ZONE 'UTC',
                                              (v_day + 1)::timestamp AT TIME ZONE 'UTC');
        END LOOP;
        PERFORM backfill_reports_clean(firstday::timestamp AT TIME ZONE 'UTC', (v_last + 1)::timestamp AT TIME ZONE 'UTC');
    END IF;

    -- update_exploitability refreshes only the exploitability windows ending on its day; those
    -- ending on the days after the range that contain it are refreshed once below
    PERFORM set_config('crashstats.exploitability_windows', 'deferred', true);
    FOR v_day IN SELECT generate_series(firstday, v_last, interval '1 day')::date LOOP
        v_n := v_n + 1;
        RAISE NOTICE 'backfill_matviews: day % of % (%)', v_n, v_days, v_day;
        FOR v_step IN SELECT c.proc_name FROM report_chain() c WHERE c.kind = 'daily' ORDER BY c.step LOOP
            PERFORM run_report_step(v_step.proc_name, v_day, true);
        END LOOP;
    END LOOP;
    PERFORM set_config('crashstats.exploitability_windows', '', true);
    SELECT max(e.report_date) INTO v_later FROM exploitability_reports e;
    IF v_later > v_last THEN
        PERFORM update_exploitability_windows(v_last + 1, least(v_last + 27, v_later));
    END IF;
    FOR v_step IN SELECT c.proc_name FROM report_chain() c WHERE c.kind = 'final' ORDER BY c.step LOOP
        PERFORM run_report_step(v_step.proc_name, v_last, true);
    END LOOP;
    RAISE NOTICE 'backfill_matviews: done % .. %', firstday, v_last;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION backfill_matviews(date, date, boolean) IS
'Rebuilds all reports for a range of days in dependency order (product versions, duplicates and reports_clean, then each day''s aggregates, then the final ones), with a NOTICE per day; lastday is clamped to the last ADI day. DBAs / crashstats reports backfill / demo; rerun-safe, one transaction.';
