-- crash_id_date(p_crash_id uuid) -> date
-- The UTC day a crash ID carries in its last six characters (YYMMDD, 20YY): the collector's
-- submission day (pyapp.crashid.date_from_crash_id in SQL). NULL when those characters are
-- not a valid date.
-- Callers: processing_queue_crash, write_processed_crash (to bound look-ups by uuid to the
-- partitions from that day on), twice per processed crash. PL/pgSQL: a few microseconds a
-- call, where the SQL function (not inlinable) took ~20-50. Read-only; rerun-safe.
CREATE OR REPLACE FUNCTION crash_id_date(p_crash_id uuid)
RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    v_s     text := right(p_crash_id::text, 6);
    v_month integer;
    v_day   date;
BEGIN
    IF v_s !~ '^[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$' THEN
        RETURN NULL;
    END IF;
    v_month := substr(v_s, 3, 2)::integer;
    v_day := make_date(2000 + substr(v_s, 1, 2)::integer, v_month, 1) + (substr(v_s, 5, 2)::integer - 1);
    -- 31 February rolls over into March: not a date
    RETURN CASE WHEN extract(month FROM v_day) = v_month THEN v_day END;
END;
$$;
COMMENT ON FUNCTION crash_id_date(uuid) IS
'The UTC date encoded in a crash ID''s last six characters (YYMMDD), or NULL when they are not a date. Read-only.';
