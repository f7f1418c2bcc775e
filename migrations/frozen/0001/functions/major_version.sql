-- major_version(p_version text) -> major_version_t
-- The leading "<major>.<minor>" of a version string: major_version('6.0a2') = '6.0'.
-- Socorro's regex had an unescaped dot, so '10a1' became '10a1' and failed the domain check;
-- here the dot is literal and a version without "<digits>.<digits>" gives NULL.
-- Callers: views, update_product_versions. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION major_version(p_version text)
RETURNS major_version_t
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT substring(p_version FROM '^(\d+\.\d+)')::major_version_t;
$$;
COMMENT ON FUNCTION major_version(text) IS
'Leading "<major>.<minor>" of a version string (''6.0a2'' -> ''6.0''), NULL when there is none. Pure helper.';
