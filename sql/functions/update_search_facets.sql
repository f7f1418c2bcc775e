-- update_search_facets(updateday date, checkdata boolean DEFAULT true) -> boolean
-- Rolls up the reports of a UTC day into search_facet_days (crashes per product, version,
-- os_name, process_type, release_channel, signature, and per product and signature) and lists the day in
-- search_facet_days_done, so that super_search counts its totals and facets from the roll-up.
-- Takes the day's search-facets lock exclusively: processed crashes of that day being written
-- wait for it (and clear the day again after it, see search_facets_touch), so the roll-up never
-- misses one. With checkdata, a day already listed is left alone (returns false). Also rolls up
-- again, the same way, the days of the 7 before updateday that crashes written late have
-- cleared. Returns true when it rolled up updateday.
-- Callers: the search-facets job (daily, yesterday), backfill_matviews (the report chain).
-- Rerun-safe: a day is replaced whole.
CREATE OR REPLACE FUNCTION update_search_facets(updateday date, checkdata boolean DEFAULT true)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET work_mem TO '256MB'
AS $$
DECLARE
    v_day     date;
    v_done    boolean := false;
    v_crashes bigint;
    v_rows     bigint;
    v_inserted bigint := 0;
BEGIN
    IF updateday IS NULL THEN
        RAISE EXCEPTION 'update_search_facets: no day given'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'call update_search_facets(''YYYY-MM-DD'')';
    END IF;
    FOR v_day IN
        SELECT d::date
          FROM generate_series(updateday - 7, updateday, interval '1 day') AS d
         WHERE d::date = updateday
            OR (NOT EXISTS (SELECT 1 FROM search_facet_days_done x WHERE x.report_day = d::date)
                AND EXISTS (SELECT 1 FROM search_facet_days f WHERE f.report_day = d::date))
         ORDER BY d
    LOOP
        CONTINUE WHEN v_day = updateday AND coalesce(checkdata, true)
                      AND EXISTS (SELECT 1 FROM search_facet_days_done x WHERE x.report_day = v_day);
        PERFORM pg_advisory_xact_lock(hashtext('crashstats.search_facets'), v_day - date '2000-01-01');
        DELETE FROM search_facet_days f WHERE f.report_day = v_day;
        INSERT INTO search_facet_days (report_day, level, product, version, os_name, process_type,
                                       release_channel, signature, crashes)
        SELECT v_day, CASE WHEN grouping(r.version) = 0 THEN 'all' ELSE 'product_signature' END,
               r.product, r.version, r.os_name, r.process_type, r.release_channel, r.signature, count(*)
          FROM reports r
         WHERE r.date_processed >= v_day::timestamp AT TIME ZONE 'UTC'
           AND r.date_processed < (v_day + 1)::timestamp AT TIME ZONE 'UTC'
         GROUP BY GROUPING SETS ((r.product, r.version, r.os_name, r.process_type, r.release_channel, r.signature),
                                 (r.product, r.signature));
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        v_inserted := v_inserted + v_rows;
        SELECT coalesce(sum(f.crashes), 0) INTO v_crashes
          FROM search_facet_days f WHERE f.report_day = v_day AND f.level = 'all';
        INSERT INTO search_facet_days_done (report_day, crashes, rolled_up_at)
        VALUES (v_day, v_crashes, now())
        ON CONFLICT (report_day) DO UPDATE SET crashes = EXCLUDED.crashes, rolled_up_at = EXCLUDED.rolled_up_at;
        v_done := v_done OR v_day = updateday;
    END LOOP;
    -- fresh statistics once the new rows are a tenth of the table (a busy day: tens of thousands
    -- of rows the planner would otherwise not know of); not for every small day of a backfill
    IF v_inserted > 0 AND v_inserted > 0.1 * (SELECT greatest(c.reltuples, 0) FROM pg_class c
                                               WHERE c.oid = 'search_facet_days'::regclass) THEN
        ANALYZE search_facet_days;
    END IF;
    RETURN v_done;
END;
$$;
COMMENT ON FUNCTION update_search_facets(date, boolean) IS
'Rolls up a UTC day of reports into search_facet_days for Super Search''s totals and facets (and again the days of the week before that late crashes cleared), under the day''s exclusive search-facets lock. The search-facets job and backfill_matviews; rerun-safe.';
