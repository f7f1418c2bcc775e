-- api_rate_hit(p_client text, p_limit integer) -> TABLE(allowed boolean, hits integer, reset_seconds integer)
-- Counts one API request of a client (address or user) in the current UTC minute and says
-- whether it is within p_limit requests per minute, and when the window ends. Windows older
-- than the current minute are deleted now and then. Callers: web/api.py for every API
-- request. Not rerun-safe (each call counts).
CREATE OR REPLACE FUNCTION api_rate_hit(p_client text, p_limit integer)
RETURNS TABLE (allowed boolean, hits integer, reset_seconds integer)
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_window timestamptz := date_trunc('minute', clock_timestamp());
    v_hits integer;
BEGIN
    INSERT INTO api_rate_counters AS c (client, window_start, hits) VALUES (p_client, v_window, 1)
    ON CONFLICT (client, window_start) DO UPDATE SET hits = c.hits + 1
    RETURNING c.hits INTO v_hits;
    IF v_hits = 1 AND random() < 0.05 THEN
        DELETE FROM api_rate_counters WHERE window_start < v_window;
    END IF;
    RETURN QUERY SELECT v_hits <= p_limit, v_hits,
        greatest(1, ceil(extract(epoch FROM (v_window + interval '1 minute' - clock_timestamp())))::integer);
END;
$$;
COMMENT ON FUNCTION api_rate_hit(text, integer) IS
'Counts an API request of a client in the current minute; returns whether it is within the per-minute limit and seconds until the window ends. Called per API request; each call counts.';
