-- try_lock_table(p_tabname text, p_mode text DEFAULT 'EXCLUSIVE', p_attempts int DEFAULT 20) -> boolean
-- Take a table lock without queueing behind (and blocking) other sessions: try NOWAIT up to
-- p_attempts times, 3 seconds apart; true once locked (held to the end of the transaction),
-- false when every attempt found the table busy.
-- Callers: drop_old_partitions and other maintenance. Rerun-safe.
CREATE OR REPLACE FUNCTION try_lock_table(p_tabname text, p_mode text DEFAULT 'EXCLUSIVE', p_attempts integer DEFAULT 20)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_mode  text := upper(btrim(p_mode));
    v_tries integer := 0;
BEGIN
    IF v_mode NOT IN ('ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE',
                      'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE') THEN
        RAISE EXCEPTION 'try_lock_table: unknown lock mode "%"', p_mode
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'use a LOCK TABLE mode such as EXCLUSIVE or ACCESS EXCLUSIVE';
    END IF;
    LOOP
        BEGIN
            EXECUTE format('LOCK TABLE %I IN %s MODE NOWAIT', p_tabname, v_mode);
            RETURN true;
        EXCEPTION WHEN lock_not_available THEN
            v_tries := v_tries + 1;
            IF v_tries >= greatest(p_attempts, 1) THEN
                RETURN false;
            END IF;
            PERFORM pg_sleep(3);
        END;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION try_lock_table(text, text, integer) IS
'Lock a table in the given mode with NOWAIT, retrying every 3 s up to p_attempts times; true when locked, false when it stayed busy. Used by partition maintenance; rerun-safe.';
