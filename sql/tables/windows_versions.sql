-- windows_versions: Windows version numbers to marketing names.
CREATE TABLE windows_versions (
    windows_version_name citext NOT NULL,
    major_version integer NOT NULL,
    minor_version integer NOT NULL,
    PRIMARY KEY (major_version, minor_version)
);
COMMENT ON TABLE windows_versions IS 'Windows kernel version numbers to names, e.g. 6.1 -> Windows 7.';
