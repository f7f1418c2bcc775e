-- bugs: bug tracker entries (bugzilla-associations job).
CREATE TABLE bugs (
    id integer PRIMARY KEY,
    status text,
    resolution text,
    short_desc text
);
COMMENT ON TABLE bugs IS 'Bugs from the bug tracker that mention crash signatures.';
