-- is_rapid_beta(p_channel citext, p_version text, p_rapid_beta_version text) -> boolean
-- A beta whose major version is at or past the product's rapid_beta_version: its betas are
-- grouped under one "<version>b" parent in every report.
-- Callers: update_product_versions. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION is_rapid_beta(p_channel citext, p_version text, p_rapid_beta_version text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(p_channel = 'beta' AND p_rapid_beta_version ~ '^\d+\.\d+'
                    AND major_version_sort(p_version) >= major_version_sort(p_rapid_beta_version), false);
$$;
COMMENT ON FUNCTION is_rapid_beta(citext, text, text) IS
'True for a beta-channel version at or past the product''s rapid_beta_version (its betas roll up into one parent). Pure helper.';
