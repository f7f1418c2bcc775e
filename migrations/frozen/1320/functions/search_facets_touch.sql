-- search_facets_touch(p_date timestamptz) -> void
-- A processed crash of p_date's UTC day is being written (or removed): takes that day's
-- search-facets lock in shared mode until the end of the transaction and drops the day from
-- search_facet_days_done, so super_search counts the day from reports until it is rolled up
-- again. The shared lock makes update_search_facets (exclusive lock) wait for writers of the
-- day in progress and makes them wait for its roll-up: a crash is either in the roll-up or
-- clears the day after it.
-- Callers: write_processed_crash. Rerun-safe (cheap when the day is not rolled up).
CREATE OR REPLACE FUNCTION search_facets_touch(p_date timestamptz)
RETURNS void
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_day date := p_date::date;
BEGIN
    IF v_day IS NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(hashtext('crashstats.search_facets'), v_day - date '2000-01-01');
    DELETE FROM search_facet_days_done d WHERE d.report_day = v_day;
END;
$$;
COMMENT ON FUNCTION search_facets_touch(timestamptz) IS
'Marks the UTC day of p_date as changed for Super Search''s roll-up (shared day lock, day removed from search_facet_days_done). Called by write_processed_crash for every crash it writes or removes; rerun-safe.';
