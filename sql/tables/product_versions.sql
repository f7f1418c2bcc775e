-- product_versions: every product version crashes are counted against (update_product_versions).
CREATE TABLE product_versions (
    product_version_id serial PRIMARY KEY,
    product_name citext NOT NULL REFERENCES products (product_name) ON UPDATE CASCADE,
    major_version major_version_t NOT NULL,
    release_version citext NOT NULL,
    version_string citext NOT NULL,
    beta_number integer,
    version_sort text NOT NULL DEFAULT '0',
    build_date date NOT NULL,
    sunset_date date NOT NULL,
    featured_version boolean NOT NULL DEFAULT false,
    build_type citext NOT NULL DEFAULT 'release',
    has_builds boolean,
    is_rapid_beta boolean DEFAULT false,
    rapid_beta_id integer REFERENCES product_versions (product_version_id),
    build_type_enum build_type,
    version_build text,
    CONSTRAINT product_versions_product_name_version_string_key UNIQUE (product_name, version_string)
);
CREATE INDEX product_versions_major_version ON product_versions (major_version);
CREATE INDEX product_versions_product_name ON product_versions (product_name);
CREATE INDEX product_versions_version_sort ON product_versions (version_sort);
CREATE TRIGGER version_sort_trigger
    BEFORE INSERT OR UPDATE ON product_versions
    FOR EACH ROW EXECUTE FUNCTION version_sort_trigger();
COMMENT ON TABLE product_versions IS 'Product versions (e.g. KillerApp 38.0b3) with their build_date..sunset_date window; rapid-beta children point at their parent through rapid_beta_id.';
