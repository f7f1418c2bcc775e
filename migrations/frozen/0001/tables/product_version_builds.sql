-- product_version_builds: the builds (build id, platform) of each product version.
CREATE TABLE product_version_builds (
    product_version_id integer NOT NULL REFERENCES product_versions (product_version_id) ON DELETE CASCADE,
    build_id numeric NOT NULL,
    platform text NOT NULL,
    repository citext,
    PRIMARY KEY (product_version_id, build_id, platform)
);
COMMENT ON TABLE product_version_builds IS 'Builds of each product version; beta crashes are matched to versions through their build id.';
