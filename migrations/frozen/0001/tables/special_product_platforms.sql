-- special_product_platforms: rename a product's builds per platform, repository and channel.
CREATE TABLE special_product_platforms (
    platform citext NOT NULL,
    repository citext NOT NULL,
    release_channel citext NOT NULL,
    release_name citext NOT NULL,
    product_name citext NOT NULL,
    min_version major_version_t,
    build_type citext,
    PRIMARY KEY (release_name, platform, release_channel, repository)
);
COMMENT ON TABLE special_product_platforms IS 'Per-platform product renames applied by update_product_versions (e.g. Android builds of "mobile" become FennecAndroid).';
