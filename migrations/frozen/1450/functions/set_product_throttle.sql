-- set_product_throttle(p_product text, p_build_type text, p_throttle numeric) -> integer
-- The one throttle of a product's channel: the fraction of its crashes the collector keeps
-- (0 < t <= 1), which every report divides crash counts by. Sets product_build_types.throttle
-- for the product and build type (p_build_type is a build_type label or its release channel's
-- name: 'beta' or 'Beta'), keeps product_release_channels (Socorro's older table, the same
-- channel) equal to it, and re-scales what is stored with the throttle in it: crash_hadu of
-- every home_page_graph row of the product's versions of that build type, on every day (the
-- views divide every day by the current throttle too; rapid-beta parents take the beta
-- throttle, as update_home_page_graph writes them). home_page_graph_build, crashes_by_user and
-- crashes_by_user_build store raw counts only (their views divide), so they need nothing.
-- Then bumps the web cache generation, so the pages show the new rates at once.
-- Returns the number of home_page_graph rows whose crash_hadu changed.
-- Errors: throttle outside (0, 1] or unknown build type (invalid_parameter_value), unknown
-- product (foreign_key_violation); nothing is changed then.
-- Callers: /admin/releases/ (the release form and the throttle form), the Releases API through
-- set_release_throttle, DBAs in psql. Rerun-safe (the same throttle again re-scales to the same rows).
CREATE OR REPLACE FUNCTION set_product_throttle(p_product text, p_build_type text, p_throttle numeric)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_product    citext;
    v_build_type build_type;
    v_rows       integer;
BEGIN
    IF p_throttle IS NULL OR p_throttle <= 0 OR p_throttle > 1 THEN
        RAISE EXCEPTION 'throttle=% is out of range: more than 0, at most 1', p_throttle
            USING ERRCODE = 'invalid_parameter_value', HINT = '1.0 keeps every crash, 0.1 one in ten';
    END IF;
    SELECT p.product_name INTO v_product FROM products p WHERE p.product_name = p_product::citext;
    IF v_product IS NULL THEN
        RAISE EXCEPTION 'unknown product %', p_product USING ERRCODE = 'foreign_key_violation',
            HINT = 'add it at /admin/products/';
    END IF;
    SELECT t.build_type INTO v_build_type
      FROM unnest(enum_range(NULL::build_type)) AS t(build_type)
     WHERE t.build_type::text = lower(btrim(coalesce(p_build_type, '')));
    IF v_build_type IS NULL THEN
        RAISE EXCEPTION 'unknown channel %', p_build_type USING ERRCODE = 'invalid_parameter_value',
            HINT = 'one of ' || array_to_string(enum_range(NULL::build_type)::text[], ', ');
    END IF;

    INSERT INTO product_build_types (product_name, build_type, throttle)
    VALUES (v_product, v_build_type, p_throttle)
    ON CONFLICT (product_name, build_type) DO UPDATE SET throttle = EXCLUDED.throttle;

    INSERT INTO product_release_channels (product_name, release_channel, throttle)
    SELECT v_product, rc.release_channel, p_throttle
      FROM release_channels rc WHERE lower(rc.release_channel::text) = v_build_type::text
    ON CONFLICT (product_name, release_channel) DO UPDATE SET throttle = EXCLUDED.throttle;

    -- a rapid-beta parent's rows use the beta throttle; every other version's its own channel's
    UPDATE home_page_graph h SET crash_hadu = crash_hadu(h.report_count, h.adu, p_throttle)
      FROM product_versions pv
     WHERE h.product_version_id = pv.product_version_id
       AND pv.product_name = v_product
       AND CASE WHEN EXISTS (SELECT 1 FROM product_versions c WHERE c.rapid_beta_id = pv.product_version_id)
                THEN v_build_type = 'beta'
                ELSE pv.build_type::text = v_build_type::text END
       AND h.crash_hadu IS DISTINCT FROM crash_hadu(h.report_count, h.adu, p_throttle);
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    PERFORM bump_cache_generation(format('throttle %s %s %s', v_product, v_build_type, p_throttle));
    RETURN v_rows;
END;
$$;
COMMENT ON FUNCTION set_product_throttle(text, text, numeric) IS
'Sets a product channel''s throttle (product_build_types, kept equal in product_release_channels; 0 < t <= 1), re-scales home_page_graph.crash_hadu of that channel''s versions on every day and bumps the cache generation; returns the rows re-scaled. Release admin, Releases API, DBAs; rerun-safe.';
