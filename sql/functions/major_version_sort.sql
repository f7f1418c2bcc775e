-- major_version_sort(p_version text) -> text
-- A sortable key for the "<major>.<minor>" of a version: '38.0b3' -> '038000'.
-- Callers: is_rapid_beta, update_product_versions. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION major_version_sort(p_version text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT version_sort_digit(substring(p_version FROM '^(\d+)'))
        || version_sort_digit(substring(p_version FROM '^\d+\.(\d+)'));
$$;
COMMENT ON FUNCTION major_version_sort(text) IS
'Sortable key of a version''s major and minor numbers (''38.0b3'' -> ''038000''). Pure helper.';
