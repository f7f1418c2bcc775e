-- set_release_throttle(p_product text, p_channel text, p_throttle numeric) -> void
-- Sets the throttle (fraction of crashes kept, 0 < t <= 1) of a product's release channel in
-- product_release_channels (the "throttle" of Socorro's add-release form). Unknown product or
-- channel raises foreign_key_violation / invalid_parameter_value. Callers: /admin/releases/,
-- the Releases API. Rerun-safe.
CREATE OR REPLACE FUNCTION set_release_throttle(p_product text, p_channel text, p_throttle numeric)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_throttle IS NULL OR p_throttle <= 0 OR p_throttle > 1 THEN
        RAISE EXCEPTION 'throttle=% is out of range: more than 0, at most 1', p_throttle
            USING ERRCODE = 'invalid_parameter_value', HINT = '1.0 keeps every crash, 0.1 one in ten';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM products WHERE product_name = p_product::citext) THEN
        RAISE EXCEPTION 'unknown product %', p_product USING ERRCODE = 'foreign_key_violation',
            HINT = 'add it at /admin/products/';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM release_channels WHERE release_channel = p_channel::citext) THEN
        RAISE EXCEPTION 'unknown channel %', p_channel USING ERRCODE = 'invalid_parameter_value',
            HINT = 'see the release_channels table';
    END IF;
    INSERT INTO product_release_channels (product_name, release_channel, throttle)
    VALUES ((SELECT product_name FROM products WHERE product_name = p_product::citext),
            (SELECT release_channel FROM release_channels WHERE release_channel = p_channel::citext), p_throttle)
    ON CONFLICT (product_name, release_channel) DO UPDATE SET throttle = EXCLUDED.throttle;
END;
$$;
COMMENT ON FUNCTION set_release_throttle(text, text, numeric) IS
'Sets a product channel''s throttle in product_release_channels (0 < t <= 1). Called by the release admin and API; rerun-safe.';
