-- products: one row per product crashes are reported for (add_new_product inserts here).
CREATE TABLE products (
    product_name citext PRIMARY KEY,
    sort smallint NOT NULL DEFAULT 0,
    rapid_release_version major_version_t,
    release_name citext NOT NULL,
    rapid_beta_version major_version_t DEFAULT '999.0'
);
COMMENT ON TABLE products IS 'Products crashes are reported for. release_name is the product''s name in release metadata (releases_raw); rapid_beta_version is the first version whose betas are grouped under one "rapid beta" parent.';
-- crashes deferred while the product was unknown are processed once it is added
CREATE TRIGGER products_queue_deferred
    AFTER INSERT OR UPDATE OF product_name ON products
    FOR EACH ROW EXECUTE FUNCTION products_queue_deferred();
