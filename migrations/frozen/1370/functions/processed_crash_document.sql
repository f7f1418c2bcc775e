-- processed_crash_document(p_processed jsonb, p_json_dump text) -> jsonb
-- The whole processed crash from a processed_crashes row: the jsonb document with the
-- stackwalker's json_dump (kept apart as JSON text, see tables/processed_crashes.sql) put back
-- under "json_dump". A row whose document still holds its json_dump (p_json_dump NULL) is
-- returned as it is. The same for a raw crash, whose json_dump (when it arrived with one) is
-- kept apart in raw_crashes.json_dump.
-- Callers: crash_report(), processed_crash_deliveries_claim(), raw_crashes_public, tests.
-- Read-only.
CREATE OR REPLACE FUNCTION processed_crash_document(p_processed jsonb, p_json_dump text)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_json_dump IS NULL OR p_processed IS NULL THEN p_processed
                ELSE p_processed || jsonb_build_object('json_dump', p_json_dump::jsonb) END
$$;
COMMENT ON FUNCTION processed_crash_document(jsonb, text) IS
'The whole processed crash of a processed_crashes row, or raw crash of a raw_crashes row (the document with its json_dump text put back). Called by crash_report(), processed_crash_deliveries_claim() and raw_crashes_public; read-only.';
