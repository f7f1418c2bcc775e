-- processor_register(p_name text, p_hostname text, p_pid integer) -> void
-- A processor worker starting: inserts (or restarts) its processors row with started_at and
-- last_seen_at = now and no stopped_at. The name is the worker's claim name (host:pid:worker).
-- Callers: the processor worker at start. Rerun-safe (a restart under the same name resets
-- the row's times and keeps its counts).
CREATE OR REPLACE FUNCTION processor_register(p_name text, p_hostname text, p_pid integer)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_name IS NULL OR p_hostname IS NULL OR p_pid IS NULL THEN
        RAISE EXCEPTION 'processor_register: name, host name and pid are required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'processor_register(''host:1234:0'', ''host'', 1234)';
    END IF;
    INSERT INTO processors AS p (name, hostname, pid, started_at, last_seen_at)
    VALUES (p_name, p_hostname, p_pid, clock_timestamp(), clock_timestamp())
    ON CONFLICT (name) DO UPDATE
       SET hostname = EXCLUDED.hostname, pid = EXCLUDED.pid, started_at = EXCLUDED.started_at,
           last_seen_at = EXCLUDED.last_seen_at, stopped_at = NULL;
END;
$$;
COMMENT ON FUNCTION processor_register(text, text, integer) IS
'Inserts or restarts a processors row (started_at = last_seen_at = now, stopped_at NULL). Called by each processor worker at start; rerun-safe.';
