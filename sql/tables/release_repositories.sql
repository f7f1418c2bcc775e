-- release_repositories: the whitelist of repositories whose builds become product versions.
CREATE TABLE release_repositories (
    repository citext PRIMARY KEY
);
COMMENT ON TABLE release_repositories IS 'Repositories whose releases_raw rows update_product_versions accepts.';
