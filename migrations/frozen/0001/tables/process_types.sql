-- process_types: the kinds of process a crash can come from.
CREATE TABLE process_types (
    process_type citext PRIMARY KEY
);
COMMENT ON TABLE process_types IS 'Process kinds: browser, plugin, content.';
