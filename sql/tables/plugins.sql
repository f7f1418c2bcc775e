-- plugins: distinct (filename, name) of plugins seen in plugin crashes.
CREATE TABLE plugins (
    id serial PRIMARY KEY,
    filename text NOT NULL,
    name text NOT NULL,
    CONSTRAINT filename_name_key UNIQUE (filename, name)
);
COMMENT ON TABLE plugins IS 'Plugins seen in plugin-process crashes.';
