-- prune_tcbs_ranks(p_keep_days integer DEFAULT 56) -> integer
-- Retention of the top crashers' pre-ranked windows (tcbs_ranks, ~13 MB a day on a day of a
-- million crashes): forgets the windows ending more than p_keep_days days before the newest
-- ranked end day, both types. Those end days are then computed from tcbs / tcbs_build by
-- top_crashers_for when read (the same rows, slower), as long as tcbs keeps their days.
-- Returns the number of windows removed.
-- Callers: update_tcbs after ranking its day (the default: eight weeks); a DBA for another
-- length. Rerun-safe.
CREATE OR REPLACE FUNCTION prune_tcbs_ranks(p_keep_days integer DEFAULT 56)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_newest date;
    v_rows integer;
BEGIN
    IF p_keep_days IS NULL OR p_keep_days < 0 THEN
        RAISE EXCEPTION 'prune_tcbs_ranks: keep_days must be 0 or more (got %)', p_keep_days
            USING ERRCODE = 'invalid_parameter_value', HINT = 'the default keeps eight weeks: 56';
    END IF;
    SELECT max(d.end_date) INTO v_newest FROM tcbs_rank_days d;
    IF v_newest IS NULL THEN
        RETURN 0;
    END IF;
    -- the list first: the view reads a window only for an end day listed there
    DELETE FROM tcbs_rank_days d WHERE d.end_date < v_newest - p_keep_days;
    DELETE FROM tcbs_ranks r WHERE r.end_date < v_newest - p_keep_days;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END;
$$;
COMMENT ON FUNCTION prune_tcbs_ranks(integer) IS
'Deletes the pre-ranked top crashers windows (tcbs_ranks, tcbs_rank_days) ending more than p_keep_days (default 56) days before the newest ranked end day; those end days are computed when read. Called by update_tcbs; rerun-safe.';
