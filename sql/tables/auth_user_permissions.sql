-- auth_user_permissions: permissions given to one user directly (besides their groups').
CREATE TABLE auth_user_permissions (
    user_id bigint NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permission text NOT NULL REFERENCES auth_permissions (name) ON UPDATE CASCADE ON DELETE CASCADE,
    PRIMARY KEY (user_id, permission)
);
COMMENT ON TABLE auth_user_permissions IS 'Permissions granted to a user directly, in addition to those of the user''s groups.';
