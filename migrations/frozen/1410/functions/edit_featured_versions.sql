-- edit_featured_versions(product citext, VARIADIC featured_versions text[]) -> boolean
-- Sets the featured versions of a product (the home page graph's default lines): the listed
-- version strings become featured and every other version of the product stops being.
-- Refuses, changing nothing: no version given (null_value_not_allowed); an unknown product or
-- version (no_data_found, naming them); a version already past its sunset date
-- (invalid_parameter_value).
-- Callers: the featured-versions admin page, DBAs, crashstats demo. Rerun-safe.
CREATE OR REPLACE FUNCTION edit_featured_versions(product citext, VARIADIC featured_versions text[])
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_missing text[];
    v_expired text[];
BEGIN
    IF NOT nonzero_string(product) OR featured_versions IS NULL
       OR NOT EXISTS (SELECT 1 FROM unnest(featured_versions) v WHERE nonzero_string(v)) THEN
        RAISE EXCEPTION 'edit_featured_versions: a product name and at least one version are required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'SELECT edit_featured_versions(''KillerApp'', ''1.0'', ''2.0b'')';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM products p WHERE p.product_name = edit_featured_versions.product) THEN
        RAISE EXCEPTION 'edit_featured_versions: unknown product %', product
            USING ERRCODE = 'no_data_found', HINT = 'see SELECT product_name FROM products';
    END IF;
    SELECT array_agg(v ORDER BY v) INTO v_missing
      FROM unnest(featured_versions) AS v
     WHERE NOT EXISTS (SELECT 1 FROM product_versions pv
                        WHERE pv.product_name = edit_featured_versions.product AND pv.version_string = v::citext);
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'edit_featured_versions: % has no version %', product, array_to_string(v_missing, ', ')
            USING ERRCODE = 'no_data_found',
                  HINT = 'see SELECT version_string FROM product_versions WHERE product_name = ' || quote_literal(product);
    END IF;
    SELECT array_agg(pv.version_string::text ORDER BY pv.version_sort) INTO v_expired
      FROM product_versions pv
     WHERE pv.product_name = edit_featured_versions.product
       AND pv.version_string = ANY (featured_versions::citext[])
       AND pv.sunset_date < utc_today();
    IF v_expired IS NOT NULL THEN
        RAISE EXCEPTION 'edit_featured_versions: % % past its sunset date', array_to_string(v_expired, ', '),
                        CASE WHEN cardinality(v_expired) = 1 THEN 'is' ELSE 'are' END
            USING ERRCODE = 'invalid_parameter_value', HINT = 'feature versions that are still shown (product_selector)';
    END IF;

    UPDATE product_versions pv SET featured_version = false
     WHERE pv.product_name = edit_featured_versions.product AND pv.featured_version
       AND NOT (pv.version_string = ANY (featured_versions::citext[]));
    UPDATE product_versions pv SET featured_version = true
     WHERE pv.product_name = edit_featured_versions.product AND NOT pv.featured_version
       AND pv.version_string = ANY (featured_versions::citext[]);
    RETURN true;
END;
$$;
COMMENT ON FUNCTION edit_featured_versions(citext, text[]) IS
'Makes exactly the listed versions of a product featured; refuses unknown products or versions and versions past their sunset. Admin page / DBAs / demo; rerun-safe.';
