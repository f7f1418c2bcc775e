-- signature_products_rollup: per signature and product, the versions it was seen in.
CREATE TABLE signature_products_rollup (
    signature_id integer NOT NULL REFERENCES signatures (signature_id) ON DELETE CASCADE,
    product_name citext NOT NULL REFERENCES products (product_name) ON UPDATE CASCADE,
    ver_count integer NOT NULL DEFAULT 0,
    version_list text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (signature_id, product_name)
);
COMMENT ON TABLE signature_products_rollup IS 'Per signature and product: how many versions and which (ordered by version_sort); the "versions" column of top crashers.';
