-- redact_raw_crash(p_raw_crash jsonb) -> jsonb
-- The raw crash without its protected annotations: every top-level key that
-- protected_annotations lists (compared case-insensitively) is removed. A value that is not a
-- JSON object is returned as it is; NULL stays NULL.
-- Callers: the raw_crashes_public view; web pages and API answers for users without view_pii.
-- Read-only; rerun-safe.
CREATE OR REPLACE FUNCTION redact_raw_crash(p_raw_crash jsonb)
RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE WHEN jsonb_typeof(p_raw_crash) <> 'object' THEN p_raw_crash
                ELSE p_raw_crash - coalesce(
                         (SELECT array_agg(k.key)
                            FROM jsonb_object_keys(p_raw_crash) AS k(key)
                           WHERE EXISTS (SELECT 1 FROM protected_annotations pa
                                          WHERE pa.annotation = k.key::citext)),
                         '{}'::text[])
           END;
$$;
COMMENT ON FUNCTION redact_raw_crash(jsonb) IS
'The raw crash minus the annotations listed in protected_annotations (case-insensitive): what anyone without view_pii may see. Read-only.';
