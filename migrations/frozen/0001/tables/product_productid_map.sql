-- product_productid_map: application GUIDs (ProductID annotation, ADI product_guid) to products.
CREATE TABLE product_productid_map (
    productid text PRIMARY KEY,
    product_name citext NOT NULL REFERENCES products (product_name) ON UPDATE CASCADE,
    rewrite boolean NOT NULL DEFAULT false,
    version_began major_version_t,
    version_ended major_version_t
);
COMMENT ON TABLE product_productid_map IS 'Application GUID -> product; used by ADI matching and, when rewrite is true, by the processor''s ProductRewrite rule.';
