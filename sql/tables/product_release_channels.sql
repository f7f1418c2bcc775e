-- product_release_channels: throttle per product and channel (Socorro's older throttle table).
CREATE TABLE product_release_channels (
    product_name citext NOT NULL REFERENCES products (product_name) ON UPDATE CASCADE,
    release_channel citext NOT NULL REFERENCES release_channels (release_channel) ON UPDATE CASCADE,
    throttle numeric NOT NULL DEFAULT 1.0 CHECK (throttle > 0 AND throttle <= 1),
    PRIMARY KEY (product_name, release_channel)
);
COMMENT ON TABLE product_release_channels IS 'Fraction of crashes the collector keeps per product and channel (1.0 = all). Superseded by product_build_types; kept for the product_info view.';
