-- processor_beta_version(p_product text, p_version text, p_build text) -> text
-- The real version string of a beta build (Socorro's BetaVersionRule look-up): beta builds
-- report the release version (38.0), product_versions/product_version_builds know which beta
-- that build is (38.0b3). NULL when nothing matches or the build id is not a number.
-- Callers: the processor's BetaVersionRule (cached per worker). Read-only; rerun-safe.
CREATE OR REPLACE FUNCTION processor_beta_version(p_product text, p_version text, p_build text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT pv.version_string::text
      FROM product_versions pv
      JOIN product_version_builds pvb ON pvb.product_version_id = pv.product_version_id
     WHERE pv.product_name = p_product
       AND pv.release_version = p_version
       AND pvb.build_id = CASE WHEN p_build ~ '^[0-9]{1,30}$' THEN p_build::numeric END
     ORDER BY pv.version_sort DESC
     LIMIT 1;
$$;
COMMENT ON FUNCTION processor_beta_version(text, text, text) IS
'The version_string of a beta build from product_versions/product_version_builds (product, release version, build id), or NULL. Called by the processor''s BetaVersionRule; read-only.';
