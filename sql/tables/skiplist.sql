-- skiplist: extra signature-generation rules (prefix / irrelevant frame patterns).
CREATE TABLE skiplist (
    category text NOT NULL,
    rule text NOT NULL,
    PRIMARY KEY (category, rule)
);
COMMENT ON TABLE skiplist IS 'Signature generation skip rules by category (prefix, irrelevant), on top of siggen''s own lists.';
