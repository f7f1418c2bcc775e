-- version_sort_trigger() -> trigger
-- BEFORE INSERT OR UPDATE on product_versions: fills version_sort from release_version,
-- beta_number and build_type when the row leaves it unset ('0' or NULL), so a DBA inserting a
-- version by hand gets correct ordering. A version_sort given explicitly is kept.
-- Callers: the version_sort_trigger trigger on product_versions. Rerun-safe.
CREATE OR REPLACE FUNCTION version_sort_trigger()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.version_sort IS NULL OR NEW.version_sort = '0' THEN
        NEW.version_sort := coalesce(
            version_sort(NEW.version_string, coalesce(NEW.beta_number, 0), NEW.build_type),
            version_sort(NEW.release_version, coalesce(NEW.beta_number, 0), NEW.build_type),
            '0');
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION version_sort_trigger() IS
'Trigger on product_versions: computes version_sort when a row is written without one. Rerun-safe.';
