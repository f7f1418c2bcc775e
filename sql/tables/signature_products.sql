-- signature_products: which product versions each signature was seen in.
CREATE TABLE signature_products (
    signature_id integer NOT NULL REFERENCES signatures (signature_id) ON DELETE CASCADE,
    product_version_id integer NOT NULL REFERENCES product_versions (product_version_id) ON DELETE CASCADE,
    first_report timestamptz,
    PRIMARY KEY (signature_id, product_version_id)
);
CREATE INDEX signature_products_product_version ON signature_products (product_version_id);
COMMENT ON TABLE signature_products IS 'Signature x product version pairs seen, with the first report time.';
