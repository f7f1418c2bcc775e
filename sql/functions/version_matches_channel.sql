-- version_matches_channel(p_version text, p_channel citext) -> boolean
-- Does a version string fit a channel? %a1 = nightly, %a2 = aurora, %esr = release or esr,
-- versions with neither "a" nor "esr" = beta or release.
-- Callers: update_product_versions, update_tcbs_build. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION version_matches_channel(p_version text, p_channel citext)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN p_version ILIKE '%a1' AND p_channel ILIKE 'nightly%' THEN true
        WHEN p_version ILIKE '%a2' AND p_channel = 'aurora' THEN true
        WHEN p_version ILIKE '%esr' AND p_channel IN ('release', 'esr') THEN true
        WHEN p_version NOT ILIKE '%a%' AND p_version NOT ILIKE '%esr' AND p_channel IN ('beta', 'release') THEN true
        ELSE false
    END;
$$;
COMMENT ON FUNCTION version_matches_channel(text, citext) IS
'True when a version string fits a channel (a1 nightly, a2 aurora, esr release/esr, plain beta/release). Pure helper.';
