-- gccrashes_for(p_product_version_id integer, p_start_date date, p_end_date date)
--   -> TABLE (build numeric, build_date date, gc_count bigint, adu bigint, gc_count_madu numeric)
-- The GC crashes page for a nightly version over [p_start_date, p_end_date]: per build, the
-- garbage-collection crashes and build ADI summed over the days, and crashes per million ADI
-- of those sums. Callers: the gccrashes_report view. Read-only.
CREATE OR REPLACE FUNCTION gccrashes_for(p_product_version_id integer, p_start_date date, p_end_date date)
RETURNS TABLE (build numeric, build_date date, gc_count bigint, adu bigint, gc_count_madu numeric)
LANGUAGE sql STABLE
AS $$
    SELECT g.build, build_date(g.build), sum(g.gc_count)::bigint, sum(g.adu)::bigint,
           crash_madu(sum(g.gc_count), sum(g.adu), 1)
      FROM gccrashes g
     WHERE g.product_version_id = p_product_version_id AND g.report_date BETWEEN p_start_date AND p_end_date
     GROUP BY g.build
$$;
COMMENT ON FUNCTION gccrashes_for(integer, date, date) IS
'GC crashes per nightly build of a version over a date range: crashes, ADI and crashes per million ADI. Read by the gccrashes_report view; read-only.';
