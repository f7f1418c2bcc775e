-- processed_crash_document(p_processed jsonb, p_json_dump text) -> jsonb
-- The whole processed crash from a processed_crashes row: the jsonb document with the
-- stackwalker's json_dump (kept apart as JSON text, see tables/processed_crashes.sql) put back
-- under "json_dump". A row whose document still holds its json_dump (p_json_dump NULL) is
-- returned as it is.
-- Callers: crash_report(), processed_crash_deliveries_claim(), tests. Read-only.
CREATE OR REPLACE FUNCTION processed_crash_document(p_processed jsonb, p_json_dump text)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_json_dump IS NULL OR p_processed IS NULL THEN p_processed
                ELSE p_processed || jsonb_build_object('json_dump', p_json_dump::jsonb) END
$$;
COMMENT ON FUNCTION processed_crash_document(jsonb, text) IS
'The whole processed crash of a processed_crashes row (processed_crash with json_dump put back). Called by crash_report() and processed_crash_deliveries_claim(); read-only.';
