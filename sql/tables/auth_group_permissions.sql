-- auth_group_permissions: the permissions of each group.
CREATE TABLE auth_group_permissions (
    group_id integer NOT NULL REFERENCES auth_groups (id) ON DELETE CASCADE,
    permission text NOT NULL REFERENCES auth_permissions (name) ON UPDATE CASCADE ON DELETE CASCADE,
    PRIMARY KEY (group_id, permission)
);
COMMENT ON TABLE auth_group_permissions IS 'Permissions held by the members of a group.';
