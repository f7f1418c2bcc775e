-- to_major_version(p_version text) -> major_version_t
-- Same result as major_version(): the leading "<major>.<minor>" of a version ('38.0b3' -> '38.0').
-- Kept under both Socorro names because procedures and DBAs call both.
-- Callers: update_product_versions, add_new_product. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION to_major_version(p_version text)
RETURNS major_version_t
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT substring(p_version FROM '^(\d+\.\d+)')::major_version_t;
$$;
COMMENT ON FUNCTION to_major_version(text) IS
'Turns a version string into its major version (''6.0a2'' -> ''6.0''; NULL when none). Pure helper.';
