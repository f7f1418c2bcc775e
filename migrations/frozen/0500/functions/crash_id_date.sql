-- crash_id_date(p_crash_id uuid) -> date
-- The UTC day a crash ID carries in its last six characters (YYMMDD, 20YY): the collector's
-- submission day (pyapp.crashid.date_from_crash_id in SQL). NULL when those characters are
-- not a valid date.
-- Callers: processing_queue_claim, write_processed_crash (to bound look-ups by uuid to the
-- partitions from that day on). Read-only; rerun-safe.
CREATE OR REPLACE FUNCTION crash_id_date(p_crash_id uuid)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE WHEN x.s ~ '^[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$' THEN (
               SELECT CASE WHEN extract(month FROM z.d) = z.m THEN z.d END
                 FROM (SELECT make_date(2000 + substr(x.s, 1, 2)::integer, substr(x.s, 3, 2)::integer, 1)
                              + (substr(x.s, 5, 2)::integer - 1) AS d,
                              substr(x.s, 3, 2)::integer AS m) z)
           END
      FROM (SELECT right(p_crash_id::text, 6) AS s) x;
$$;
COMMENT ON FUNCTION crash_id_date(uuid) IS
'The UTC date encoded in a crash ID''s last six characters (YYMMDD), or NULL when they are not a date. Read-only.';
