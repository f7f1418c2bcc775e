-- version_string(p_version text, p_beta_number int [, p_channel citext]) -> text
-- The display version of a release: '38.0' + beta 3 -> '38.0b3'. With a channel, nightly and
-- aurora versions get 'a1' / 'a2' unless the version already ends that way (Socorro appended
-- blindly, giving '40.0a1a1' for a nightly that already said so).
-- Callers: update_product_versions, add_new_release. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION version_string(p_version text, p_beta_number integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN coalesce(p_beta_number, 0) <> 0 THEN p_version || 'b' || p_beta_number ELSE p_version END;
$$;
CREATE OR REPLACE FUNCTION version_string(p_version text, p_beta_number integer, p_channel citext)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN p_channel ILIKE 'nightly%' AND p_version !~* 'a1$' THEN p_version || 'a1'
        WHEN p_channel = 'aurora' AND p_version !~* 'a2$' THEN p_version || 'a2'
        WHEN p_channel = 'beta' THEN version_string(p_version, p_beta_number)
        ELSE p_version
    END;
$$;
COMMENT ON FUNCTION version_string(text, integer) IS
'Display version of a release: the version plus b<N> for beta number N > 0 (''38.0'', 3 -> ''38.0b3''). Pure helper.';
COMMENT ON FUNCTION version_string(text, integer, citext) IS
'Display version for a channel: nightly -> a1, aurora -> a2 (unless already there), beta -> b<N>, others unchanged. Pure helper.';
