-- nonzero_string(p_value text) -> boolean
-- True for a string with something other than white space in it.
-- Callers: update_reports_clean (which PII rows to keep). Pure; rerun-safe.
CREATE OR REPLACE FUNCTION nonzero_string(p_value text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT p_value IS NOT NULL AND btrim(p_value) <> '';
$$;
COMMENT ON FUNCTION nonzero_string(text) IS
'True when the text is not NULL and not blank. Pure helper.';
