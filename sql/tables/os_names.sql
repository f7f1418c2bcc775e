-- os_names: the operating systems reports are grouped by.
CREATE TABLE os_names (
    os_name citext PRIMARY KEY,
    os_short_name citext NOT NULL
);
COMMENT ON TABLE os_names IS 'Operating systems reports are grouped by, with the short names used in report columns (win, mac, lin).';
