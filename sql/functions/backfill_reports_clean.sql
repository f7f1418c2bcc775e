-- backfill_reports_clean(begin_time timestamptz, end_time timestamptz DEFAULT utc_now()) -> boolean
-- Recomputes reports_clean for [begin_time, end_time) through update_reports_clean, in 1-hour
-- cycles, or 6-hour cycles when the span is over 15 hours (Socorro's rule). The span is cut
-- at the last whole hour before now, since later crashes are still arriving. One NOTICE per
-- cycle reports progress.
-- Callers: backfill_matviews, DBAs repairing a period. Rerun-safe (each cycle replaces its period).
CREATE OR REPLACE FUNCTION backfill_reports_clean(begin_time timestamptz, end_time timestamptz DEFAULT utc_now())
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_end   timestamptz := least(end_time, date_trunc('hour', utc_now()));
    v_step  interval;
    v_cur   timestamptz := begin_time;
BEGIN
    IF begin_time IS NULL OR end_time IS NULL OR end_time <= begin_time THEN
        RAISE EXCEPTION 'backfill_reports_clean: need begin_time < end_time, got % .. %', begin_time, end_time
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_end <= begin_time THEN
        RAISE EXCEPTION 'backfill_reports_clean: % .. % has not ended yet', begin_time, end_time
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'only whole hours before now can be cleaned';
    END IF;
    v_step := CASE WHEN v_end - begin_time > interval '15 hours' THEN interval '6 hours' ELSE interval '1 hour' END;
    WHILE v_cur < v_end LOOP
        PERFORM update_reports_clean(v_cur, least(v_step, v_end - v_cur), true, true);
        RAISE NOTICE 'backfill_reports_clean: % .. % done', v_cur, least(v_cur + v_step, v_end);
        v_cur := v_cur + v_step;
    END LOOP;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION backfill_reports_clean(timestamptz, timestamptz) IS
'Recomputes reports_clean over a span in 1-hour (or, over 15 h, 6-hour) update_reports_clean cycles, stopping at the last whole hour. backfill_matviews / DBAs; rerun-safe.';
