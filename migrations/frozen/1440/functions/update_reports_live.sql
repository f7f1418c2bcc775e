-- update_reports_live(p_limit integer DEFAULT 20000, p_min_gap interval DEFAULT '0') -> integer
-- Counts processed crashes in the live reports as they arrive: takes up to p_limit crashes from
-- reports_live_queue (oldest first) and normalises exactly those into reports_clean,
-- reports_bad, reports_user_info and raw_crash_fields (reports_clean_load with the crashes'
-- IDs, week by week), replacing what an earlier processing of the same crash had written; then
-- the difference, per crash, between what it counted for before (-1) and now (+1) is added to
-- the aggregates kept live (live_delta_tcbs, live_delta_home_page_graph,
-- live_delta_crashes_by_user). A crash processed again moves its counts: it is never counted
-- twice. Logs the call in reports_live_runs. Returns the crashes taken: 0 when the queue is
-- empty, NULL when update_reports_clean holds its lock (a batch run; the crashes wait for the
-- next call). With p_min_gap, a call within that time of the last one that counted crashes does
-- nothing (returns 0): every processor worker calls it, and one call per gap does the work for
-- all (each call has a fixed cost of its own; docs/live-reports.md). Same rules and same rows as update_reports_clean and the daily update_X(day):
-- those remain the from-scratch recomputation a DBA runs after fixing data.
-- See docs/live-reports.md.
-- Callers: processor workers (every CRASHSTATS_REPORTS_LIVE_INTERVAL seconds),
-- `crashstats reports live`, tests. Rerun-safe.
CREATE OR REPLACE FUNCTION update_reports_live(p_limit integer DEFAULT 20000, p_min_gap interval DEFAULT '0')
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_started timestamptz := clock_timestamp();
    v_taken   integer;
    v_week    record;
    v_newest  timestamptz;
    v_oldest  timestamptz;
BEGIN
    IF p_limit IS NULL OR p_limit < 1 THEN
        RAISE EXCEPTION 'update_reports_live: p_limit must be 1 or more, got %', p_limit
            USING ERRCODE = 'invalid_parameter_value', HINT = 'SELECT update_reports_live(20000)';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM reports_live_queue) THEN
        RETURN 0;  -- the common case of a worker's call: nothing waits, nothing to set up
    END IF;
    IF p_min_gap > interval '0'
       AND (SELECT max(r.finished_at) FROM reports_live_runs r) > clock_timestamp() - p_min_gap THEN
        RETURN 0;  -- another worker counted less than p_min_gap ago
    END IF;
    -- the same lock as update_reports_clean: the two never write reports_clean at once
    IF NOT pg_try_advisory_xact_lock(hashtext('crashstats.matview'), hashtext('update_reports_clean')) THEN
        RAISE NOTICE 'update_reports_live: update_reports_clean is running; the crashes wait for the next call';
        RETURN NULL;
    END IF;

    CREATE TEMP TABLE live_taken ON COMMIT DROP AS
    WITH taken AS (
        DELETE FROM reports_live_queue q
         WHERE q.uuid IN (SELECT q2.uuid FROM reports_live_queue q2
                           ORDER BY q2.queued_at, q2.uuid LIMIT p_limit FOR UPDATE SKIP LOCKED)
        RETURNING q.uuid, q.date_processed, q.queued_at
    )
    SELECT t.uuid, t.date_processed, t.queued_at FROM taken t;
    SELECT count(*), max(t.date_processed), min(t.queued_at) INTO v_taken, v_newest, v_oldest FROM live_taken t;

    -- what these crashes counted for until now (a crash processed again, or counted by a batch)
    CREATE TEMP TABLE live_delta ON COMMIT DROP AS
    SELECT -1 AS sign, rc.uuid, rc.date_processed, rc.signature_id, rc.product_version_id, rc.process_type,
           rc.release_channel, rc.build_type, rc.os_name, rc.hang_id, rc.uptime, false AS is_gc
      FROM reports_clean rc
     WHERE rc.uuid IN (SELECT t.uuid FROM live_taken t)
       AND rc.date_processed >= (SELECT min(t.date_processed) FROM live_taken t) - interval '7 days'
       AND rc.date_processed < (SELECT max(t.date_processed) FROM live_taken t) + interval '7 days';
    PERFORM live_delta_gc(-1);

    FOR v_week IN
        SELECT week_begins_utc(t.date_processed) AS week, min(t.date_processed) AS first_at,
               max(t.date_processed) AS last_at, array_agg(t.uuid) AS uuids
          FROM live_taken t
         GROUP BY 1
         ORDER BY 1
    LOOP
        PERFORM reports_clean_load(v_week.first_at, v_week.last_at + interval '1 microsecond', v_week.uuids);
    END LOOP;

    -- and what they count for now
    INSERT INTO live_delta
    SELECT 1, rc.uuid, rc.date_processed, rc.signature_id, rc.product_version_id, rc.process_type,
           rc.release_channel, rc.build_type, rc.os_name, rc.hang_id, rc.uptime, false
      FROM reports_clean rc
     WHERE rc.uuid IN (SELECT t.uuid FROM live_taken t)
       AND rc.date_processed >= (SELECT min(t.date_processed) FROM live_taken t)
       AND rc.date_processed <= (SELECT max(t.date_processed) FROM live_taken t);
    PERFORM live_delta_gc(1);
    PERFORM live_delta_tcbs();
    PERFORM live_delta_home_page_graph();
    PERFORM live_delta_crashes_by_user();
    DROP TABLE pg_temp.live_delta;
    DROP TABLE pg_temp.live_taken;

    IF v_taken > 0 THEN
        INSERT INTO reports_live_runs (finished_at, crashes, newest_date_processed, oldest_queued_at, seconds)
        VALUES (clock_timestamp(), v_taken, v_newest, v_oldest,
                extract(epoch FROM clock_timestamp() - v_started))
        ON CONFLICT (finished_at) DO NOTHING;
        DELETE FROM reports_live_runs r WHERE r.finished_at < now() - interval '2 days';
    END IF;
    RETURN v_taken;
END;
$$;
COMMENT ON FUNCTION update_reports_live(integer, interval) IS
'Counts newly processed crashes in the live reports: takes up to p_limit crashes from reports_live_queue, normalises exactly those into reports_clean (update_reports_clean''s rules, via reports_clean_load) and adds the difference they make to tcbs, home_page_graph and crashes_by_user; returns how many (0 within p_min_gap of the last call that counted), NULL while update_reports_clean runs. Processor workers, crashstats reports live; rerun-safe.';
