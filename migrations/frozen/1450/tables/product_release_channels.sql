-- product_release_channels: throttle per product and channel (Socorro's older throttle table),
-- kept equal to product_build_types by set_product_throttle; the reports read product_build_types.
CREATE TABLE product_release_channels (
    product_name citext NOT NULL REFERENCES products (product_name) ON UPDATE CASCADE,
    release_channel citext NOT NULL REFERENCES release_channels (release_channel) ON UPDATE CASCADE,
    throttle numeric NOT NULL DEFAULT 1.0 CHECK (throttle > 0 AND throttle <= 1),
    PRIMARY KEY (product_name, release_channel)
);
COMMENT ON TABLE product_release_channels IS 'Fraction of crashes the collector keeps per product and channel (1.0 = all): a copy of product_build_types.throttle (set_product_throttle keeps them equal), kept for Socorro''s scripts; no report reads it.';
