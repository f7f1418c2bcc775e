-- product_build_types: throttle per product and build type; aggregates divide counts by it.
CREATE TABLE product_build_types (
    product_name citext NOT NULL REFERENCES products (product_name) ON UPDATE CASCADE,
    build_type build_type NOT NULL,
    throttle numeric NOT NULL DEFAULT 1.0 CHECK (throttle > 0 AND throttle <= 1),
    PRIMARY KEY (product_name, build_type)
);
COMMENT ON TABLE product_build_types IS 'Fraction of crashes the collector keeps per product and build type (1.0 = all); crash_hadu divides by it to estimate true volume.';
