-- os_versions: distinct (os, major, minor) seen in reports, with a display string.
CREATE TABLE os_versions (
    os_version_id serial PRIMARY KEY,
    os_name citext NOT NULL REFERENCES os_names (os_name) ON UPDATE CASCADE,
    major_version integer NOT NULL,
    minor_version integer NOT NULL,
    os_version_string citext,
    CONSTRAINT os_versions_os_name_major_minor_key UNIQUE (os_name, major_version, minor_version)
);
COMMENT ON TABLE os_versions IS 'OS versions seen in reports_clean, e.g. (Windows, 6, 1) "Windows 7" (see create_os_version_string).';
