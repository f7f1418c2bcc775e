-- releases_raw: every build known from release metadata (add_new_release, release-metadata job).
CREATE TABLE releases_raw (
    product_name citext NOT NULL,
    version text NOT NULL,
    platform text NOT NULL,
    build_id numeric NOT NULL,
    build_type citext NOT NULL,
    beta_number integer,
    repository citext NOT NULL DEFAULT 'mozilla-release',
    update_channel text,
    version_build text,
    PRIMARY KEY (product_name, version, build_type, build_id, platform, repository)
);
CREATE INDEX releases_raw_date ON releases_raw (build_date(build_id));
COMMENT ON TABLE releases_raw IS 'Raw release and build list. product_name holds the product''s release_name; update_product_versions derives product_versions and product_version_builds from it.';
