-- set_release_throttle(p_product text, p_channel text, p_throttle numeric) -> void
-- The older name of set_product_throttle (the "throttle" of Socorro's add-release form): sets
-- the product channel's one throttle (product_build_types, which the reports divide by, and
-- product_release_channels kept equal), re-scales the stored rates and bumps the cache
-- generation. Errors as set_product_throttle's (out of range or unknown channel:
-- invalid_parameter_value, unknown product: foreign_key_violation).
-- Callers: scripts written for the older name, DBAs. Rerun-safe.
CREATE OR REPLACE FUNCTION set_release_throttle(p_product text, p_channel text, p_throttle numeric)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM set_product_throttle(p_product, p_channel, p_throttle);
END;
$$;
COMMENT ON FUNCTION set_release_throttle(text, text, numeric) IS
'Older name of set_product_throttle: sets a product channel''s throttle (0 < t <= 1) where the reports read it and re-scales the stored rates. Scripts and DBAs; rerun-safe.';
