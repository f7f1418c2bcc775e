-- bug_associations: which bugs mention which signatures.
CREATE TABLE bug_associations (
    signature text NOT NULL,
    bug_id integer NOT NULL REFERENCES bugs (id) ON DELETE CASCADE,
    PRIMARY KEY (signature, bug_id)
);
CREATE INDEX bug_associations_bug_id ON bug_associations (bug_id);
COMMENT ON TABLE bug_associations IS 'Signature <-> bug links parsed from the bugs'' crash-signature field ([@ signature]).';
