-- add_new_product(prodname, initversion, prodid, ftpname, release_throttle, rapid_beta_version) -> boolean
-- Adds a product (Socorro's signature and parameter names, so Socorro scripts and the admin
-- page call it unchanged): a products row sorted last, one product_release_channels and one
-- product_build_types row per channel (release_throttle for the release channel, 1.0 for the
-- others), and a product_productid_map row when an application GUID is given.
-- Unlike Socorro, a bad call is an error rather than NOTICE + false: missing name or version
-- (null_value_not_allowed), an existing product (unique_violation), a throttle outside (0, 1]
-- or a bad rapid_beta_version (invalid_parameter_value).
-- Callers: DBAs in psql, the products admin page, crashstats demo. Not rerun-safe by design:
-- adding the same product twice is refused.
CREATE OR REPLACE FUNCTION add_new_product(
    prodname text,
    initversion major_version_t,
    prodid text DEFAULT NULL,
    ftpname text DEFAULT NULL,
    release_throttle numeric DEFAULT 1.0,
    rapid_beta_version numeric DEFAULT 999.0
)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_rapid_beta text;
    v_sort       smallint;
BEGIN
    IF NOT nonzero_string(prodname) OR initversion IS NULL THEN
        RAISE EXCEPTION 'add_new_product: a product name and an initial version (e.g. ''1.0'') are required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'SELECT add_new_product(''KillerApp'', ''1.0'')';
    END IF;
    IF release_throttle IS NULL OR release_throttle <= 0 OR release_throttle > 1 THEN
        RAISE EXCEPTION 'add_new_product: release_throttle must be in (0, 1], got %', release_throttle
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'the fraction of release crashes the collector keeps: 1.0 = all, 0.1 = one in ten';
    END IF;
    IF add_new_product.rapid_beta_version IS NULL OR add_new_product.rapid_beta_version <= 0 THEN
        RAISE EXCEPTION 'add_new_product: rapid_beta_version must be a positive version number, got %',
                        add_new_product.rapid_beta_version
            USING ERRCODE = 'invalid_parameter_value', HINT = 'use 999.0 for "no rapid betas"';
    END IF;
    v_rapid_beta := CASE WHEN add_new_product.rapid_beta_version = trunc(add_new_product.rapid_beta_version)
                         THEN trunc(add_new_product.rapid_beta_version)::text || '.0'
                         ELSE add_new_product.rapid_beta_version::text END;
    IF EXISTS (SELECT 1 FROM products p WHERE p.product_name = prodname) THEN
        RAISE EXCEPTION 'add_new_product: product % already exists', prodname
            USING ERRCODE = 'unique_violation',
                  HINT = 'add releases with add_new_release, or change products and product_build_types directly';
    END IF;

    SELECT coalesce(max(p.sort), 0) + 1 INTO v_sort FROM products p;
    INSERT INTO products (product_name, sort, rapid_release_version, release_name, rapid_beta_version)
    VALUES (prodname, v_sort, initversion, coalesce(nullif(btrim(ftpname), ''), prodname), v_rapid_beta::major_version_t);

    INSERT INTO product_release_channels (product_name, release_channel, throttle)
    SELECT prodname, rc.release_channel, CASE WHEN rc.release_channel = 'Release' THEN release_throttle ELSE 1.0 END
      FROM release_channels rc;

    INSERT INTO product_build_types (product_name, build_type, throttle)
    SELECT prodname, t.build_type, CASE WHEN t.build_type = 'release' THEN release_throttle ELSE 1.0 END
      FROM unnest(enum_range(NULL::build_type)) AS t(build_type);

    IF nonzero_string(prodid) THEN
        INSERT INTO product_productid_map (productid, product_name, rewrite, version_began)
        VALUES (btrim(prodid), prodname, false, initversion);
    END IF;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION add_new_product(text, major_version_t, text, text, numeric, numeric) IS
'Adds a product with its channels and throttles (release_throttle for release) and optional application GUID; raises on a missing name, an existing product or a bad throttle. DBAs / admin page / demo; adding twice is refused.';
