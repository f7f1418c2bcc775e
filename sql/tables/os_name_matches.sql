-- os_name_matches: LIKE patterns mapping raw os_name values to os_names.
CREATE TABLE os_name_matches (
    os_name citext NOT NULL REFERENCES os_names (os_name) ON UPDATE CASCADE,
    match_string text NOT NULL,
    PRIMARY KEY (os_name, match_string)
);
COMMENT ON TABLE os_name_matches IS 'ILIKE patterns mapping the processor''s os_name and ADI platforms to os_names.';
