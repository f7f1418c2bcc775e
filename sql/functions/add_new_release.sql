-- add_new_release(product, version, update_channel, build_id, platform, beta_number, repository,
--                 version_build, update_products, ignore_duplicates) -> boolean
-- Adds one build to releases_raw (Socorro's signature and parameter names), where
-- update_product_versions picks it up. product may be the product name or its release_name.
-- A beta may be given as ('38.0', beta_number 3) or as '38.0b3'. Validation, each a hard error
-- with a hint: every field present; a known product; a channel that is a build_type label
-- (release, esr, aurora, beta, nightly; any case); a version that fits the channel
-- (version_matches_channel: a1 nightly, a2 aurora, esr, plain); a beta number for betas; a
-- build id whose first 8 digits are a date between 2005-01-01 and a month from today.
-- A release already present raises unique_violation, or returns false with ignore_duplicates.
-- With update_products, update_product_versions runs with a window reaching back to this
-- build, so even an old release becomes a product version at once.
-- Callers: DBAs in psql (the seed's "adding products and releases" step), the releases admin
-- page, the release-metadata job, crashstats demo. Rerun-safe with ignore_duplicates.
CREATE OR REPLACE FUNCTION add_new_release(
    product citext,
    version citext,
    update_channel citext,
    build_id numeric,
    platform citext,
    beta_number integer DEFAULT NULL,
    repository text DEFAULT 'release',
    version_build text DEFAULT 'build1',
    update_products boolean DEFAULT false,
    ignore_duplicates boolean DEFAULT false
)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_channel     text := lower(btrim(update_channel));
    v_release     citext;
    v_version     text := btrim(version);
    v_beta        integer := beta_number;
    v_build_date  date;
BEGIN
    IF NOT (nonzero_string(product) AND nonzero_string(version) AND nonzero_string(update_channel)
            AND nonzero_string(platform) AND build_id IS NOT NULL AND nonzero_string(repository)) THEN
        RAISE EXCEPTION 'add_new_release: product, version, update_channel, build_id, platform and repository are all required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'SELECT add_new_release(''KillerApp'', ''1.0'', ''release'', 20140101165243, ''Linux'')';
    END IF;

    SELECT p.release_name INTO v_release FROM products p WHERE p.release_name = add_new_release.product;
    IF v_release IS NULL THEN
        SELECT p.release_name INTO v_release FROM products p WHERE p.product_name = add_new_release.product;
    END IF;
    IF v_release IS NULL THEN
        RAISE EXCEPTION 'add_new_release: unknown product %', product
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'add it first with add_new_product, or give its release_name';
    END IF;

    IF v_channel IS NULL OR v_channel NOT IN (SELECT unnest(enum_range(NULL::build_type))::text) THEN
        RAISE EXCEPTION 'add_new_release: unknown channel %', update_channel
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'use one of: ' || array_to_string(enum_range(NULL::build_type)::text[], ', ');
    END IF;

    IF v_channel = 'beta' AND v_version ~* '^\d+\.\d+(\.\d+)*b\d+$' THEN
        IF v_beta IS NOT NULL AND v_beta <> substring(v_version FROM '(?i)b(\d+)$')::int THEN
            RAISE EXCEPTION 'add_new_release: version % and beta_number % disagree', v_version, v_beta
                USING ERRCODE = 'invalid_parameter_value', HINT = 'give ''38.0'' with beta_number 3, or ''38.0b3'' alone';
        END IF;
        v_beta := substring(v_version FROM '(?i)b(\d+)$')::int;
        v_version := regexp_replace(v_version, '(?i)b\d+$', '');
    END IF;
    IF v_version !~ '^\d+\.\d+' OR NOT version_matches_channel(v_version, v_channel::citext) THEN
        RAISE EXCEPTION 'add_new_release: version % does not fit channel %', version, v_channel
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'nightly versions end in a1 (40.0a1), aurora in a2 (39.0a2), esr in esr (31.5.0esr); beta and release versions are plain (38.0)';
    END IF;
    IF v_channel = 'beta' AND coalesce(v_beta, 0) <= 0 THEN
        RAISE EXCEPTION 'add_new_release: beta % needs a beta number', v_version
            USING ERRCODE = 'null_value_not_allowed', HINT = 'pass beta_number => 3, or the version as ''38.0b3''';
    END IF;
    IF v_channel <> 'beta' THEN
        v_beta := NULL;
    END IF;

    v_build_date := build_date(build_id);
    IF v_build_date IS NULL OR v_build_date NOT BETWEEN date '2005-01-01' AND (utc_today() + interval '1 month')::date THEN
        RAISE EXCEPTION 'add_new_release: build id % does not start with a date between 2005-01-01 and a month from now', build_id
            USING ERRCODE = 'invalid_parameter_value', HINT = 'build ids are YYYYMMDDhhmmss, e.g. 20140101165243';
    END IF;

    IF EXISTS (SELECT 1 FROM releases_raw r
                WHERE r.product_name = v_release AND r.version = v_version AND r.build_type = v_channel
                  AND r.build_id = add_new_release.build_id AND r.platform = add_new_release.platform
                  AND r.repository = add_new_release.repository) THEN
        IF ignore_duplicates THEN
            RETURN false;
        END IF;
        RAISE EXCEPTION 'add_new_release: % % (%) build % on % is already present', v_release, v_version, v_channel, build_id, platform
            USING ERRCODE = 'unique_violation', HINT = 'pass ignore_duplicates => true to skip known releases';
    END IF;

    INSERT INTO releases_raw (product_name, version, platform, build_id, build_type, beta_number, repository,
                              update_channel, version_build)
    VALUES (v_release, v_version, add_new_release.platform, add_new_release.build_id, v_channel, v_beta,
            add_new_release.repository, v_channel, add_new_release.version_build);

    IF update_products THEN
        PERFORM update_product_versions(greatest(30, utc_today() - v_build_date + 1));
    END IF;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION add_new_release(citext, citext, citext, numeric, citext, integer, text, text, boolean, boolean) IS
'Adds a build to releases_raw after validating product, channel, version/channel fit, beta number and build date; optionally updates product_versions at once (reaching back to the build). DBAs, admin page, release-metadata job; rerun-safe with ignore_duplicates.';
