-- auth_permissions: the permissions people and API tokens can hold (Socorro's names, content
-- type "crashstats"). Pages and API endpoints ask viewer.has_perm(<name>); redaction rules
-- (protected_fields, protected_annotations) name them too.
CREATE TABLE auth_permissions (
    name text PRIMARY KEY,
    description text NOT NULL DEFAULT ''
);
COMMENT ON TABLE auth_permissions IS 'The permission names (Socorro''s): view_pii, view_rawdump, view_exploitability, ... Granted to users directly or through groups, and to API tokens.';
